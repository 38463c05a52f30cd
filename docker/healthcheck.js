// Container HEALTHCHECK: GET /health/live on the app's own port, over HTTPS when the app serves TLS
// itself (TLS_CERT_FILE). Certificates are not verified here because the probe targets 127.0.0.1, not the
// name on the certificate. Exit 0 = healthy.
'use strict';
const tls = Boolean(process.env.TLS_CERT_FILE && process.env.TLS_KEY_FILE);
const client = require(tls ? 'node:https' : 'node:http');
const req = client.get(
  {
    host: '127.0.0.1',
    port: Number(process.env.PORT || 8000),
    path: '/health/live',
    timeout: 4000,
    rejectUnauthorized: false,
  },
  (res) => {
    res.resume();
    process.exit(res.statusCode === 200 ? 0 : 1);
  },
);
req.on('timeout', () => req.destroy(new Error('timeout')));
req.on('error', () => process.exit(1));
