// node-postgres against a running heliosdb serve: typed rows, 'notification' events with the
// sender's pid. Queries without parameters go by the simple query protocol, with parameters by the
// extended one ($1::text: the server drops a simple cast after a parameter, which SQLite cannot parse).
// Usage: node node_pg_client.js HOST PORT (with NODE_PATH pointing at a node_modules holding pg).
const { Client } = require('pg');

async function main() {
  const [host, port] = process.argv.slice(2);
  const config = { host, port: Number(port), user: 'test', database: 'test' };
  const listener = new Client(config);
  const sender = new Client(config);
  await listener.connect();
  await sender.connect();
  const out = {};
  const res = await sender.query("SELECT 42 AS i, 2.5 AS f, 'text' AS t, NULL AS n");
  out.row = Object.values(res.rows[0]);
  out.types = out.row.map((v) => (v === null ? 'null' : typeof v));
  const params = await sender.query('SELECT $1::text AS t, $2::int AS i, $1 || $1 AS tt', ['a', 2]);
  out.params = params.rows[0];
  const senderPid = sender.processID; // from BackendKeyData
  const got = [];
  const done = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no notification within 10 s')), 10000);
    listener.on('notification', (n) => {
      got.push({ channel: n.channel, payload: n.payload, from_sender: n.processId === senderPid });
      if (got.length === 2) { clearTimeout(timer); resolve(); }
    });
  });
  await listener.query('LISTEN node_events');
  await sender.query("NOTIFY node_events, 'one'");
  await sender.query("SELECT pg_notify('node_events', 'two')");
  await done;
  out.notifications = got;
  console.log(JSON.stringify(out));
  await listener.end();
  await sender.end();
}

main().catch((e) => { console.error(e.message); process.exit(1); });
