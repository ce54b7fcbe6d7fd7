// A custom handler that tells what it received: the conformance tests put it behind the host stand-in.
// HTTP: answers 200 with JSON {method, url, headers, rawHeaders, bodyLength, bodySha256, env}.
// Queue invocations (POST /<function>): appends the raw body as one line to $ECHO_LOG, answers with $ECHO_STATUS
// (default 200) and a body of $ECHO_BODY (default an invocation result), after $ECHO_DELAY_MS (default 0).
// GET /api/slow/<ms> answers like any HTTP request, <ms> milliseconds late. $ECHO_START_DELAY_MS delays listening
// (a handler slow to start, so a test can act while the host waits for it).
const http = require('http');
const crypto = require('crypto');
const fs = require('fs');

const port = process.env.FUNCTIONS_CUSTOMHANDLER_PORT;
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', c => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    if (req.method === 'POST' && !req.url.startsWith('/api/')) {
      fs.appendFileSync(process.env.ECHO_LOG, JSON.stringify({ url: req.url, headers: req.headers, body: body.toString('utf8'), at: Date.now() }) + '\n');
      setTimeout(() => {
        res.writeHead(Number(process.env.ECHO_STATUS || 200), { 'content-type': 'application/json' });
        res.end(process.env.ECHO_BODY || '{"Outputs":{"ok":true},"Logs":["echo logged"],"ReturnValue":"ok"}');
      }, Number(process.env.ECHO_DELAY_MS || 0));
      return;
    }
    const delay = req.url.startsWith('/api/slow/') ? Number(req.url.split('/')[3]) : 0;
    const status = req.url.startsWith('/api/status/') ? Number(req.url.split('/')[3]) : 200;
    setTimeout(() => {
    res.writeHead(status, { 'content-type': 'application/json', 'x-echo': 'yes' });
    res.end(JSON.stringify({
      method: req.method,
      url: req.url,
      headers: req.headers,
      rawHeaders: req.rawHeaders,
      bodyLength: body.length,
      bodySha256: crypto.createHash('sha256').update(body).digest('hex'),
      env: {
        FUNCTIONS_CUSTOMHANDLER_PORT: process.env.FUNCTIONS_CUSTOMHANDLER_PORT,
        FUNCTIONS_HTTPWORKER_PORT: process.env.FUNCTIONS_HTTPWORKER_PORT,
        FUNCTIONS_CUSTOMHANDLER_WORKER_ID: process.env.FUNCTIONS_CUSTOMHANDLER_WORKER_ID,
        FUNCTIONS_APP_ROOT_PATH: process.env.FUNCTIONS_APP_ROOT_PATH,
        ECHO_SETTING: process.env.ECHO_SETTING,
        cwd: process.cwd(),
        argv: process.argv.slice(2),
        pid: process.pid,
      },
    }));
    }, delay);
  });
});
setTimeout(() => server.listen(port, '127.0.0.1'), Number(process.env.ECHO_START_DELAY_MS || 0));
