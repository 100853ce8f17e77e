"""The newsletter sanitiser against known XSS vectors, and what it keeps."""

from __future__ import annotations

import re

import pytest

from services.sanitise import html_to_text, sanitise_html

# (name, input). Nothing of any of these may execute script or load anything remote.
XSS_VECTORS = [
    ("script", "<p>hi</p><script>alert(1)</script>"),
    ("script uppercase", "<SCRIPT SRC=//evil.example/x.js></SCRIPT>"),
    ("script split", "<scr<script>ipt>alert(1)</scr</script>ipt>"),
    ("img onerror", '<img src=x onerror="alert(1)">'),
    ("img onerror no quotes", "<IMG SRC=/ onerror=alert(String.fromCharCode(88,83,83))></img>"),
    ("svg onload", "<svg onload=alert(1)><circle r=1 /></svg>"),
    ("svg script", "<svg><script>alert(1)</script></svg>"),
    ("svg animate href", '<svg><a><animate attributeName=href values="javascript:alert(1)"/>'
     "<text>x</text></a></svg>"),
    ("body onload", "<body onload=alert(1)>x</body>"),
    ("p onmouseover", '<p onmouseover="alert(1)">hover</p>'),
    ("details ontoggle", "<details open ontoggle=alert(1)><summary>x</summary></details>"),
    ("javascript href", '<a href="javascript:alert(1)">x</a>'),
    ("javascript href uppercase", '<a href="JaVaScRiPt:alert(1)">x</a>'),
    ("javascript href entities", '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;'
     '&#116;&#58;alert(1)">x</a>'),
    ("javascript href hex entities", '<a href="&#x6A;avascript&#x3A;alert(1)">x</a>'),
    ("javascript href tab", '<a href="jav&#x09;ascript:alert(1)">x</a>'),
    ("javascript href newline", '<a href="jav\nascript:alert(1)">x</a>'),
    ("javascript href leading space", '<a href=" javascript:alert(1)">x</a>'),
    ("javascript href leading control", '<a href="&#14;javascript:alert(1)">x</a>'),
    ("vbscript href", '<a href="vbscript:msgbox(1)">x</a>'),
    ("data href", '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>'),
    ("style tag", "<style>body{background:url(javascript:alert(1))}</style><p>x</p>"),
    ("style attribute expression", '<p style="width:expression(alert(1))">x</p>'),
    ("style attribute url", '<p style="background-image:url(https://evil.example/t.gif)">x</p>'),
    ("style import", "<style>@import 'https://evil.example/x.css';</style>"),
    ("iframe", '<iframe src="https://evil.example"></iframe>'),
    ("iframe srcdoc", '<iframe srcdoc="<script>alert(1)</script>"></iframe>'),
    ("object", '<object data="https://evil.example/x.swf"></object>'),
    ("embed", '<embed src="https://evil.example/x.swf">'),
    ("form action", '<form action="javascript:alert(1)"><button>go</button></form>'),
    ("button formaction", '<button formaction="javascript:alert(1)">x</button>'),
    ("input autofocus onfocus", "<input autofocus onfocus=alert(1)>"),
    ("meta refresh", '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">'),
    ("base href", '<base href="https://evil.example/"><a href="x">x</a>'),
    ("link import", '<link rel="import" href="https://evil.example/x.html">'),
    ("link stylesheet", '<link rel="stylesheet" href="https://evil.example/x.css">'),
    ("math namespace confusion", "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>"
     "</style></mglyph></table></mtext></math>"),
    ("svg namespace confusion", "<svg></p><style><a id=\"</style><img src=1 onerror=alert(1)>\">"),
    ("math href", '<math><mi xlink:href="javascript:alert(1)">x</mi></math>'),
    ("noscript mxss", '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>'),
    ("template", "<template><script>alert(1)</script></template>"),
    ("comment", "<!--<img src=x onerror=alert(1)>-->"),
    ("conditional comment", "<!--[if gte IE 4]><script>alert(1)</script><![endif]-->"),
    ("video poster", '<video poster="javascript:alert(1)"><source src=x onerror=alert(1)></video>'),
    ("audio", "<audio src=x onerror=alert(1)></audio>"),
    ("target blank tabnabbing", '<a href="https://evil.example" target="_blank">x</a>'),
    ("srcset", '<img srcset="https://evil.example/t.gif 1x">'),
    ("background attribute", '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>'),
    ("xml namespace", '<html xmlns:x="http://www.w3.org/1999/xhtml"><x:script>alert(1)</x:script>'),
]  # fmt: skip

EXECUTABLE = [
    re.compile(r"<\s*(script|style|iframe|object|embed|form|input|button|meta|base|link|img|svg"
               r"|math|video|audio|source|template|noscript|frame|body|html)\b", re.I),
    re.compile(r"\son[a-z]+\s*=", re.I),
    re.compile(r"(javascript|vbscript|data)\s*:", re.I),
    re.compile(r"\s(style|srcdoc|src|srcset|action|formaction|background|poster|target)\s*=", re.I),
    re.compile(r"expression\s*\(|@import|url\s*\(", re.I),
]  # fmt: skip


def assert_harmless(html: str) -> None:
    for pattern in EXECUTABLE:
        assert not pattern.search(html), f"{pattern.pattern!r} found in {html!r}"


@pytest.mark.parametrize(("name", "vector"), XSS_VECTORS, ids=[v[0] for v in XSS_VECTORS])
def test_a_known_xss_vector_leaves_nothing_executable(name, vector):
    # when
    cleaned = sanitise_html(vector)
    # then
    assert_harmless(cleaned)
    assert sanitise_html(cleaned) == cleaned  # stable: sanitising again changes nothing


def test_the_check_itself_catches_an_unsanitised_vector():
    # The assertion helper must be able to fail, or the table above proves nothing.
    with pytest.raises(AssertionError):
        assert_harmless('<img src=x onerror="alert(1)">')


def test_formatting_survives():
    # given
    html = (
        "<h2>Najaar</h2><p>Wij <strong>knutselen</strong>, <em>zingen</em> en <u>spelen</u>."
        "<br>Nieuwe regel.</p><ul><li>een</li></ul><ol><li>twee</li></ol>"
        "<blockquote>citaat</blockquote>"
        '<table><thead><tr><th>Dag</th></tr></thead><tbody><tr><td colspan="2">ma</td></tr>'
        "</tbody></table>"
    )
    # when
    cleaned = sanitise_html(html)
    # then
    for kept in ("<h2>", "<strong>", "<em>", "<u>", "<br>", "<ul>", "<ol>", "<li>",
                 "<blockquote>", "<table>", "<th>", '<td colspan="2">'):  # fmt: skip
        assert kept in cleaned


def test_links_keep_safe_schemes_and_get_noopener():
    # when
    cleaned = sanitise_html(
        '<a href="https://www.rijksoverheid.nl" title="Rijk">web</a> '
        '<a href="mailto:info@hoera.example">mail</a> <a href="/relatief">rel</a>'
    )
    # then
    assert '<a href="https://www.rijksoverheid.nl" title="Rijk" rel="noopener noreferrer">' in (
        cleaned
    )
    assert '<a href="mailto:info@hoera.example" rel="noopener noreferrer">mail</a>' in cleaned
    assert "/relatief" not in cleaned


def test_tags_outside_the_allow_list_keep_only_their_text():
    # when
    cleaned = sanitise_html('<div class="x" id="y"><span style="color:red">tekst</span></div>')
    # then
    assert cleaned == "tekst"


def test_the_visible_text_of_html():
    assert html_to_text("<p>Jan &amp; <b>Piet</b></p>") == "Jan & Piet"
    assert html_to_text("<p> </p><br>") == ""
