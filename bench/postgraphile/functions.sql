-- Functions PostGraphile 4 exposes for the home query (computed columns must live in the
-- schema of their table, so these go into `public` of the throwaway bench database only).
-- The bearer token arrives as the setting `bench.token`.

CREATE FUNCTION bench_viewer() RETURNS app_user STABLE LANGUAGE sql AS $$
    SELECT u.* FROM session s JOIN app_user u ON u.id = s.user_id
    WHERE s.token_hash = encode(sha256(convert_to(current_setting('bench.token', true), 'UTF8')), 'hex')
      AND s.revoked_at IS NULL AND s.expires_at > now() AND u.is_active
$$;
COMMENT ON FUNCTION bench_viewer() IS E'@name viewer';

-- The parent's own children within the access window (the same rule as services.access).
CREATE FUNCTION bench_visible_child_ids() RETURNS SETOF integer STABLE LANGUAGE sql AS $$
    SELECT c.id
    FROM bench_viewer() me
    JOIN organisation o ON o.id = me.organisation_id
    JOIN guardianship g ON g.user_id = me.id
    JOIN child c ON c.id = g.child_id AND c.organisation_id = me.organisation_id
    WHERE me.role = 'parent' AND (
        EXISTS (SELECT 1 FROM placement p WHERE p.child_id = c.id AND (p.end_date IS NULL
                OR p.end_date >= (now() AT TIME ZONE o.timezone)::date - 7 * o.access_window_weeks))
        OR NOT EXISTS (SELECT 1 FROM placement p WHERE p.child_id = c.id))
$$;
COMMENT ON FUNCTION bench_visible_child_ids() IS E'@omit';

CREATE FUNCTION bench_today() RETURNS date STABLE LANGUAGE sql AS $$
    SELECT (now() AT TIME ZONE o.timezone)::date FROM bench_viewer() me
    JOIN organisation o ON o.id = me.organisation_id
$$;
COMMENT ON FUNCTION bench_today() IS E'@omit';

CREATE FUNCTION app_user_home_children(u app_user) RETURNS SETOF child STABLE LANGUAGE sql AS $$
    SELECT c.* FROM child c
    WHERE c.id IN (SELECT bench_visible_child_ids()) AND u.id = (SELECT id FROM bench_viewer())
    ORDER BY c.last_name, c.first_name, c.id
$$;

CREATE FUNCTION app_user_ready_photo(u app_user) RETURNS media_file STABLE LANGUAGE sql AS $$
    SELECT m.* FROM media_file m WHERE m.id = u.photo_id AND m.status = 'ready'
$$;

CREATE FUNCTION child_current_placements(c child) RETURNS SETOF placement STABLE LANGUAGE sql AS $$
    SELECT p.* FROM placement p
    WHERE p.child_id = c.id AND (p.end_date IS NULL OR p.end_date >= bench_today())
    ORDER BY p.start_date, p.id
$$;

CREATE FUNCTION child_mentor(c child) RETURNS app_user STABLE LANGUAGE sql AS $$
    SELECT u.* FROM placement p JOIN app_user u ON u.id = p.mentor_id
    WHERE p.child_id = c.id AND p.start_date <= bench_today()
      AND (p.end_date IS NULL OR p.end_date >= bench_today())
      AND u.organisation_id = c.organisation_id
    ORDER BY p.start_date DESC, p.id DESC LIMIT 1
$$;

CREATE FUNCTION child_timeline(c child) RETURNS SETOF timeline_item STABLE LANGUAGE sql AS $$
    SELECT i.* FROM timeline_item_child l JOIN timeline_item i ON i.id = l.item_id
    WHERE l.child_id = c.id
    ORDER BY l.posted_at DESC, l.item_id DESC
$$;

CREATE FUNCTION timeline_item_visible_children(t timeline_item) RETURNS SETOF child
STABLE LANGUAGE sql AS $$
    SELECT c.* FROM timeline_item_child l JOIN child c ON c.id = l.child_id
    WHERE l.item_id = t.id AND c.id IN (SELECT bench_visible_child_ids())
    ORDER BY c.id
$$;

CREATE FUNCTION timeline_item_ready_media(t timeline_item) RETURNS SETOF media_file
STABLE LANGUAGE sql AS $$
    SELECT m.* FROM timeline_media tm JOIN media_file m ON m.id = tm.media_id
    WHERE tm.item_id = t.id AND m.status = 'ready'
    ORDER BY tm.position, tm.id
$$;
