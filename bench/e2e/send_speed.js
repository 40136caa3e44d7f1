// The Node.js anchor of bench/e2e/send-speed: nodemailer's default pool (pool: true, so maxConnections 5 and
// maxMessages 100), XOAUTH2 with a given access token over STARTTLS. All N messages are handed to sendMail at
// once, as an application with a queue would. Prints "sent=N seconds=S first=F" like the other senders.
//   NODE_PATH=DIR node send_speed.js USER N TOKEN     (DIR holds node_modules/nodemailer; see send-speed)
const fs = require('fs');
const nodemailer = require('nodemailer');

const [user, count, token] = process.argv.slice(2);
const n = parseInt(count, 10);
const domain = process.env.TB_MAIL_DOMAIN || 'example.test';
const address = `${user}@${domain}`;
const FILLER = 'Lorem ipsum dolor sit amet. '.repeat(80);
const HTML = '<h1>Monthly report</h1><p>Hello, here is the <b>summary</b>.</p><p>' + FILLER + '</p>';
const TEXT = 'Monthly report\n\nHello, here is the summary.\n' + FILLER + '\n';

async function main() {
  const start = process.hrtime.bigint();
  let first = 0;
  const transport = nodemailer.createTransport({
    pool: true,
    host: '127.0.0.1',
    port: parseInt(process.env.TB_SUBMISSION_PORT, 10),
    secure: false,
    requireTLS: true,
    tls: { ca: fs.readFileSync(process.env.TB_CA_CERT) },
    auth: { type: 'OAuth2', user: address, accessToken: token },
  });
  const sends = [];
  for (let i = 0; i < n; i++) {
    sends.push(transport.sendMail({ from: address, to: address, subject: `send-speed ${i}`, text: TEXT, html: HTML })
      .then((info) => { if (i === 0) first = Number(process.hrtime.bigint() - start) / 1e9; return info; }));
  }
  await Promise.all(sends);
  transport.close();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(`sent=${n} seconds=${seconds.toFixed(3)} first=${first.toFixed(3)}`);
}

main().catch((e) => { console.error(`send_speed.js: ${e.message}`); process.exit(1); });
