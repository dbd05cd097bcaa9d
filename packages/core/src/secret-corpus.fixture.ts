/**
 * Realistic secrets in realistic surroundings: after redaction none of `secret` may survive
 * anywhere. The server's tests reuse it to search database files for leaks.
 *
 * Every secret is fake. Secrets are assembled from pieces so that no complete token sits in the
 * source, where secret scanners (push protection) would flag the repository.
 */
export interface SecretSample {
  label: string;
  /** The exact text that must not survive redaction. */
  secret: string;
  /** A realistic string containing `secret`. */
  context: string;
}

const join = (...parts: string[]): string => parts.join('');

const JWT_A = join(
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9',
  '.eyJzdWIiOiJ1c2VyXzgyMzEiLCJuYW1lIjoiSmFuZSBEb2UiLCJpYXQiOjE3NjQwMDAwMDAsImV4cCI6MTc2NDAwMzYwMH0',
  '.Xq3vK9bN2mL7pR4sT8wY1zA5cD0fG6hJ3kM8nP2qR5s',
);
const JWT_B = join(
  'eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0',
  '.eyJpc3MiOiJodHRwczovL2FjY291bnRzLmV4YW1wbGUuY29tIiwiYXVkIjoiYWdlbnQiLCJzdWIiOiI0MiJ9',
  '.c2lnbmF0dXJlLWJ5dGVzLWZvci10ZXN0aW5nLW9ubHktMDAx-_AbCdEf',
);
const PEM_RSA_LINE = join(
  'MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun',
  'VTLw7onLRnrq0',
);
const PEM_RSA = [
  '-----BEGIN RSA PRIVATE KEY-----',
  PEM_RSA_LINE,
  join('xQ3IH4eTTTi5Vvc9tnbXUZ8CrEhhoFXR3pE2u0TsmQ1lqPz8mTl2dk7uf4TbVX0sb', 'Hk'),
  join('pTtb7R1zxJzuUVdm7RGUhqvC3Ve1BFr0JQtH9u0PQzn8WP0nJ4f0u8yYvcK2jZb', 'AQAB'),
  '-----END RSA PRIVATE KEY-----',
].join('\n');
const PEM_SSH_LINE = join(
  'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW',
  'QyNTUxOQAAACB',
);
const PEM_SSH = [
  '-----BEGIN OPENSSH PRIVATE KEY-----',
  PEM_SSH_LINE,
  join('Zm9yLXRlc3Rpbmctb25seS1ub3QtYS1yZWFsLWtleS1hdC1hbGwtMDEyMzQ1Njc4OQAAAJ', 'g='),
  '-----END OPENSSH PRIVATE KEY-----',
].join('\n');
const PEM_PKCS8_LINE = join(
  'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj',
  'MzEfYyjiWA4R',
);

export const SECRET_CORPUS: SecretSample[] = [
  ...[
    {
      label: 'OpenAI key (legacy)',
      secret: join('sk-', 'Zq4vN8mK2pL7rS1tU3wY6xA9bC0dE5fG2hJ4kM8nP1qR3sT'),
      context: (k: string) =>
        `openai.AuthenticationError: Error code: 401 - Incorrect API key provided: ${k}. You can find your API key at https://platform.openai.com/account/api-keys.`,
    },
    {
      label: 'OpenAI project key in a shell export',
      secret: join('sk-proj-', 'Hn3K9_xq2LmV8wRt-4YbZc1NdPe7FgQj5Sa0UoIi6ThGk2Jr_MvXwBcDe9Fq'),
      context: (k: string) => `export OPENAI_API_KEY="${k}"`,
    },
    {
      label: 'OpenAI service-account key in Python source',
      secret: join('sk-svcacct-', 'Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56Qr78St90Uv'),
      context: (k: string) => `client = OpenAI(api_key='${k}', timeout=30)`,
    },
    {
      label: 'Anthropic API key in an error',
      secret: join(
        'sk-ant-api03-',
        'R2d2C3poBb8Ee1Ff4Gg7Hh0Ii3Jj6Kk9Ll2Mm5Nn8Oo1Pp4Qq7Rr0Ss3Tt6Uu9Vv2Ww5-Ab_CdAA',
      ),
      context: (k: string) => `anthropic.AuthenticationError: Error code: 401 - invalid x-api-key ${k}`,
    },
    {
      label: 'Anthropic admin key in a JSON log line under an innocent key',
      secret: join('sk-ant-admin01-', 'Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0Fe9Dc8Ba7-_Zy6Xw5Vu4AA'),
      context: (k: string) => `{"level":"error","msg":"admin call failed","key":"${k}","attempt":2}`,
    },
    {
      label: 'AWS access key id in a botocore error',
      secret: join('AKIA', 'IOSFODNN7EXAMPLE'),
      context: (k: string) =>
        `botocore.exceptions.ClientError: An error occurred (InvalidClientTokenId) when calling the GetCallerIdentity operation: The security token included in the request is invalid (AccessKeyId ${k})`,
    },
    {
      label: 'AWS temporary access key id',
      secret: join('ASIA', 'Y34FZKBOKMUTVV7A'),
      context: (k: string) =>
        `assumed role arn:aws:iam::123456789012:role/agent with ${k}, expires 2025-03-14T08:00:00Z`,
    },
    {
      label: 'AWS secret access key in a credentials file',
      secret: join('wJalrXUtnFEMI/K7MDENG/', 'bPxRfiCYEXAMPLEKEY'),
      context: (k: string) =>
        `[default]\naws_access_key_id = ${join('AKIA', 'I44QH8DHBEXAMPLE')}\naws_secret_access_key = ${k}\nregion = us-east-1`,
    },
    {
      label: 'AWS secret access key in STS JSON',
      secret: join('je7MtGbClwBF/2Zp9Utk/', 'h3yCo8nvbEXAMPLEKEY'),
      context: (k: string) =>
        `{"Credentials":{"AccessKeyId":"${join('ASIA', 'ZQ3RT8PLMNB5V2X4')}","SecretAccessKey":"${k}","Expiration":"2025-03-14T08:00:00Z"}}`,
    },
    {
      label: 'AWS secret access key after the words "aws secret"',
      secret: join('kT9vQ2mX7rB4nL8/pW3zY6c', 'H1dF5gJ0sA+eR2uV8'),
      context: (k: string) => `rotating aws secret ${k} for the billing agent`,
    },
    {
      label: 'AWS secret access key in YAML',
      secret: join('Zp4Lq8Wm2Xn6Rv0Tb3Yc7Hd', '1Jf5Kg9Ls2Mh6Nj0P'),
      context: (k: string) => `aws:\n  region: eu-west-1\n  aws_secret_access_key: ${k}\n  profile: agent`,
    },
    {
      label: 'AWS secret access key in prose',
      secret: join('Qx7Mc2Vb9Nz4Lk1Jh8Gf3D', 's6Ap0Wo5Ei2Ru9Ty4/'),
      context: (k: string) => `The secret access key is ${k}, keep it out of the repo`,
    },
    {
      label: 'Arc API key in an SDK configuration dump',
      secret: join('arc_', 'Xq3vK9bN2mL7pR4sT8wY1zA5cD0fG6hJ'),
      context: (k: string) =>
        `createArc({ endpoint: 'http://arc.internal:7070', apiKey: '${k}', agentId: 'billing' })`,
    },
    {
      label: 'Arc admin key chosen by an operator, in a shell history line',
      secret: join('arc_', 'OpsAdmin-2025_Rotated'),
      context: (k: string) => `ARC_ADMIN_KEY=${k} npx arc serve --db ./arc.db`,
    },
    {
      label: 'Arc key in a log line',
      secret: join('arc_', 'b7Rk2Lm9-Np3Qr5St8Uv1Wx4Yz6Ab0Cd'),
      context: (k: string) => `arc: POST /v1/events failed (401) with key ${k}`,
    },
    {
      label: 'GitHub classic token as a URL password',
      secret: join('ghp_', 'R8tN2vX5qL9mK3wY7zB1cD4fG6hJ0pS2uE5i'),
      context: (k: string) =>
        `fatal: could not read from https://x-access-token:${k}@github.com/acme/agent.git: remote: Invalid username or token.`,
    },
    {
      label: 'GitHub OAuth token in a token-scheme header',
      secret: join('gho_', '16C7e42F292c6912E7710c838347Ae178B4a'),
      context: (k: string) =>
        `GET /user HTTP/1.1\r\nAuthorization: token ${k}\r\nAccept: application/vnd.github+json`,
    },
    {
      label: 'GitHub user-to-server token in an OAuth response',
      secret: join('ghu_', 'Aa1Bb2Cc3Dd4Ee5Ff6Gg7Hh8Ii9Jj0Kk1Ll2M'),
      context: (k: string) => `{"access_token":"${k}","expires_in":28800,"token_type":"bearer"}`,
    },
    {
      label: 'GitHub installation token in a command line',
      secret: join('ghs_', 'Xy9Wv8Ut7Sr6Qp5On4Ml3Kj2Ih1Gf0Ed9Cb8A'),
      context: (k: string) => `GITHUB_TOKEN=${k} npm publish --access public`,
    },
    {
      label: 'GitHub refresh token',
      secret: join('ghr_', '1B4a2e77838347a7E420ce178F2E7c6912E169246c34E1ccbF66C46812d16D5B1A9Dc86A1498'),
      context: (k: string) => `{"refresh_token": "${k}", "refresh_token_expires_in": 15811200}`,
    },
    {
      label: 'GitHub fine-grained personal access token',
      secret: join(
        'github_pat_',
        '11ABCDEFG0a1B2c3D4e5F6g7_',
        'H8i9J0k1L2m3N4o5P6q7R8s9T0u1V2w3X4y5Z6a7B8c9D0e1F2g3H4i5J6k7L8m',
      ),
      context: (k: string) => `warning: token ${k} expires in 3 days`,
    },
    {
      label: 'Slack bot token in an SDK error',
      secret: join('xoxb-', '2417693812-5398471203947-', 'Hk3Lm9Np2Qr5St8Uv1Wx4Yz'),
      context: (k: string) =>
        `slack_sdk.errors.SlackApiError: The request to the Slack API failed. (url: https://slack.com/api/chat.postMessage, token: ${k})`,
    },
    {
      label: 'Slack user token',
      secret: join('xoxp-', '2417693812-2417693812-5398471203947-', '8f4c2a9e6b1d3f5a7c9e0b2d4f6a8c1e'),
      context: (k: string) => `posting as user with ${k}`,
    },
    {
      label: 'Slack app token (xoxa)',
      secret: join('xoxa-', '2-5398471203947-7291840563', '-a1b2c3d4e5f6'),
      context: (k: string) => `workspace install saved: ${k}`,
    },
    {
      label: 'Slack refresh token (xoxr)',
      secret: join('xoxr-', '5398471203947-7291840563-', 'Qw3Er5Ty7Ui9Op'),
      context: (k: string) => `rotated ${k} at 07:05`,
    },
    {
      label: 'Slack session token (xoxs)',
      secret: join('xoxs-', '7291840563-5398471203947-', 'Zx8Cv6Bn4Mq2'),
      context: (k: string) => `legacy client used ${k}`,
    },
    {
      label: 'Stripe live secret key',
      secret: join('sk_', 'live_', '51HqR2sKx9Lm3Np7Qr1St5Uv8Wx2Yz4Ab6Cd'),
      context: (k: string) => `StripeAuthenticationError: Invalid API Key provided: ${k}`,
    },
    {
      label: 'Stripe restricted key',
      secret: join('rk_', 'live_', '51HqR2sKx9Aa8Bb7Cc6Dd5Ee4Ff3Gg2Hh1'),
      context: (k: string) => `STRIPE_RESTRICTED_KEY=${k}`,
    },
    {
      label: 'Stripe test key in a curl command',
      secret: join('sk_', 'test_', '4eC39HqLyjWDarjtT1zdp7dc'),
      context: (k: string) => `curl https://api.stripe.com/v1/charges -u ${k}: -d amount=2000`,
    },
    {
      label: 'Stripe webhook signing secret',
      secret: join('whsec_', 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6'),
      context: (k: string) => `stripe listen: Ready! Your webhook signing secret is ${k} (^C to quit)`,
    },
    {
      label: 'Google API key in a request URL',
      secret: join('AIza', 'SyD4x9Qk2Lm7Np3Rs8Tv1Wx6Yz0Ab5Cd2Ef'),
      context: (k: string) =>
        `GET https://maps.googleapis.com/maps/api/geocode/json?address=Paris&key=${k} -> 403 REQUEST_DENIED`,
    },
    {
      label: 'JWT as a Bearer credential',
      secret: JWT_A,
      context: (k: string) => `Authorization: Bearer ${k}`,
    },
    {
      label: 'JWT alone in a message',
      secret: JWT_B,
      context: (k: string) => `Refreshing session failed for id ${k} (token expired at 07:05:00Z)`,
    },
    {
      label: 'Opaque OAuth access token in headers serialized to JSON',
      secret: join('ya29.', 'a0AfH6SMBx3Kq9vN2mL7pR4sT8wY1zA5cD0fG6hJ3kM8nP2q'),
      context: (k: string) => `request failed: {"headers":{"Authorization":"Bearer ${k}","Accept":"*/*"}}`,
    },
    {
      label: 'Basic credentials in a curl command',
      secret: 'YWxhZGRpbjpvcGVuc2VzYW1l',
      context: (k: string) => `curl -H "Authorization: Basic ${k}" https://api.example.com/v1/items`,
    },
    {
      label: 'Basic proxy credentials',
      secret: 'c3ZjLXJlcG9ydGluZzpQcjBkIVBhc3N3MHJkIzIwMjQ=',
      context: (k: string) => `proxy answered 407 for Proxy-Authorization: Basic ${k}`,
    },
    {
      label: 'RSA private key block',
      secret: PEM_RSA_LINE,
      context: () => `loaded signing key:\n${PEM_RSA}\nfrom /etc/agent/key.pem`,
    },
    {
      label: 'OpenSSH private key block',
      secret: PEM_SSH_LINE,
      context: () => PEM_SSH,
    },
    {
      label: 'PKCS#8 key inside a service-account JSON string',
      secret: PEM_PKCS8_LINE,
      context: (k: string) =>
        `{"type":"service_account","project_id":"acme-prod","private_key":"-----BEGIN PRIVATE KEY-----\\n${k}\\nZm9yLXRlc3Rpbmc=\\n-----END PRIVATE KEY-----\\n","client_id":"1049"}`,
    },
    {
      label: 'PostgreSQL URL password',
      secret: 'Xk9%23mP2%24vL7q',
      context: (k: string) => `connect ECONNREFUSED postgres://arc_app:${k}@db.internal:5432/arc`,
    },
    {
      label: 'MongoDB SRV URL password',
      secret: 'S3cretMongoPass',
      context: (k: string) =>
        `mongodb+srv://agent:${k}@cluster0.ab1cd.mongodb.net/app?retryWrites=true&w=majority`,
    },
    {
      label: 'Redis URL password with an empty user',
      secret: 'R3disP4ssw0rd',
      context: (k: string) => `redis://:${k}@cache.internal:6379/0`,
    },
    {
      label: 'GitLab token as a git remote password',
      secret: join('glpat-', 'Xy7Zk2Lm9Np3Qr5St8Uv'),
      context: (k: string) => `git remote set-url origin https://oauth2:${k}@gitlab.com/acme/agent.git`,
    },
    {
      label: 'AMQP URL password',
      secret: 'Rabb1tMQ-Secret',
      context: (k: string) => `amqp://guest:${k}@rabbitmq:5672/%2f`,
    },
    {
      label: 'Visa number with spaces',
      secret: '4111 1111 1111 1111',
      context: (k: string) => `Payment declined for card ${k} (exp 12/27)`,
    },
    {
      label: 'Mastercard number with dashes',
      secret: '5555-5555-5555-4444',
      context: (k: string) => `{"card":"${k}","cvc":"123"}`,
    },
    {
      label: 'American Express number',
      secret: '378282246310005',
      context: (k: string) => `charge card=${k} amount=120.00`,
    },
    {
      label: 'Discover number',
      secret: '6011111111111117',
      context: (k: string) => `Customer typed: my card is ${k}, please book it`,
    },
    {
      label: 'JCB number',
      secret: '3530111333300000',
      context: (k: string) => `tool args: book_hotel(guest="Ken", card=${k})`,
    },
    {
      label: 'Mastercard 2-series number',
      secret: '2223003122003222',
      context: (k: string) => `pan ${k} failed 3DS`,
    },
    {
      label: 'Diners Club 14-digit number',
      secret: '36227206271667',
      context: (k: string) => `card on file: ${k}.`,
    },
    {
      label: 'UnionPay 19-digit number',
      secret: '6205500000000000004',
      context: (k: string) => `UnionPay ${k} accepted`,
    },
    {
      label: 'E-mail address in an error',
      secret: 'jane.doe@example.com',
      context: (k: string) => `User ${k} is not allowed to call create_invoice`,
    },
    {
      label: 'E-mail address with plus addressing',
      secret: 'ops+alerts@acme-corp.io',
      context: (k: string) => `send_email(to="${k}", subject="Build failed")`,
    },
    {
      label: 'E-mail address in a stack trace',
      secret: 'maria.garcia@mail.example.org',
      context: (k: string) =>
        `ValidationError: user "${k}" not found\n    at lookupCustomer (/srv/agent/dist/tools/crm.js:31:11)\n    at async runTool (/srv/agent/dist/run.js:12:5)`,
    },
    {
      label: 'Password in a query string',
      secret: 'Tr0ub4dor%263x',
      context: (k: string) =>
        `GET https://api.example.com/login?user=bob&password=${k}&next=/home failed with 500`,
    },
    {
      label: 'Password in an environment dump',
      secret: 'correct-horse-battery-staple',
      context: (k: string) => `NODE_ENV=production\nDB_HOST=db.internal\nDB_PASSWORD=${k}\nPORT=8080`,
    },
    {
      label: 'Untyped API key in a JSON error body',
      secret: 'key-3ax6xnjp29jd6fds4gc373sgvjxteol0',
      context: (k: string) => `Mailgun replied 401: {"error":"unauthorized","api_key":"${k}"}`,
    },
    {
      label: 'Password in a Python dict repr',
      secret: 's3cr3t!Pass',
      context: (k: string) => `login(**{'username': 'admin', 'password': '${k}'}) raised PermissionError`,
    },
    {
      label: 'Session cookie in a Set-Cookie header',
      secret: '8d9f7a6b5c4e3d2f1a0b9c8d7e6f5a4b',
      context: (k: string) =>
        `HTTP/1.1 302 Found\r\nSet-Cookie: sessionid=${k}; Path=/; HttpOnly; Secure\r\nLocation: /home`,
    },
    {
      label: 'Client secret in a form body',
      secret: 'Qm9vbGVhbkF1dGgtU2VjcmV0LTIwMjQ',
      context: (k: string) =>
        `POST /oauth/token grant_type=client_credentials&client_id=agent&client_secret=${k}`,
    },
    {
      label: 'URL password in a stack trace',
      secret: 'Sup3rS3cr3tPw',
      context: (k: string) =>
        `Error: connect ETIMEDOUT 10.0.0.12:5432\n    at Pool.connect (postgres://reporting:${k}@10.0.0.12:5432/analytics)\n    at async query (/srv/agent/dist/db.js:8:3)`,
    },
    {
      label: 'Password in escaped JSON inside a message',
      secret: 'Esc4ped-Pa55',
      context: (k: string) => `Upstream said: {\\"user\\":\\"bob\\",\\"password\\":\\"${k}\\"}`,
    },
  ].map(({ label, secret, context }) => ({ label, secret, context: context(secret) })),
];
