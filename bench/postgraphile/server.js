// PostGraphile 4 for the home-query benchmark (bench/home_query.py starts it).
// The bearer token of the request goes to PostgreSQL as the setting `bench.token` (pgSettings:
// PostGraphile runs each request in a transaction with set_config), where the functions of
// functions.sql check the session and which children the parent may see.
const http = require("http");
const { Pool } = require("pg");
const { postgraphile } = require("postgraphile");

const pool = new Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.BENCH_POOL || 10),
});
const middleware = postgraphile(pool, ["public"], {
  pgSettings: (req) => {
    const auth = req.headers.authorization || "";
    const token = auth.toLowerCase().startsWith("bearer ") ? auth.slice(7).trim() : "";
    return { "bench.token": token };
  },
  dynamicJson: true,
  disableQueryLog: true,
  graphiql: false,
  enableQueryBatching: false,
  retryOnInitFail: false,
  extendedErrors: ["hint", "detail", "errcode"],
});
http.createServer(middleware).listen(Number(process.env.PORT), "127.0.0.1", () => {
  console.log("listening");
});
