// aws-crt's X.509 credentials provider (the one the AWS IoT device SDKs and the KVS producer use): it fetches
// a camera's temporary credentials from https://<credentials host>/role-aliases/<alias>/credentials on port 443
// with the device certificate, and aws-crt's SigV4 signer signs DescribeSignalingChannel requests with them,
// sent to the front door's web route (https://<host>/describeSignalingChannel, port 443).
import { createHash } from 'node:crypto';
import https from 'node:https';
import crt from 'aws-crt';
import { createReport } from './report.mjs';

const { auth, http, io } = crt;
const config = JSON.parse(process.env.VIGIL_COMPAT);
const { check, finish } = createReport(60_000);

const tlsOptions = io.TlsContextOptions.create_client_with_mtls(config.cert, config.key);
tlsOptions.override_default_trust_store(config.ca);
const provider = auth.AwsCredentialsProvider.newX509({
  endpoint: config.credentialsHost,
  thingName: config.thingName,
  roleAlias: config.roleAlias,
  tlsContext: new io.ClientTlsContext(tlsOptions),
});

// A KVS control-plane call signed by aws-crt with the provider's credentials, sent with Node's https.
async function describe(channelName) {
  const body = JSON.stringify({ ChannelName: channelName });
  const request = new http.HttpRequest('POST', '/describeSignalingChannel', new http.HttpHeaders([
    ['host', config.host],
    ['content-type', 'application/json'],
    ['content-length', String(Buffer.byteLength(body))],
  ]));
  const signed = await auth.aws_sign_request(request, {
    algorithm: auth.AwsSigningAlgorithm.SigV4,
    signature_type: auth.AwsSignatureType.HttpRequestViaHeaders,
    provider,
    region: config.region,
    service: 'kinesisvideo',
    date: new Date(),
    signed_body_value: createHash('sha256').update(body).digest('hex'),
    signed_body_header: auth.AwsSignedBodyHeaderType.None,
  });
  const headers = {};
  for (const [name, value] of signed.headers) headers[name.toLowerCase()] = value;
  const response = await new Promise((resolve, reject) => {
    const outgoing = https.request({ host: config.host, port: 443, method: 'POST', path: '/describeSignalingChannel', headers, ca: config.ca }, (incoming) => {
      let text = '';
      incoming.setEncoding('utf8');
      incoming.on('data', (chunk) => { text += chunk; });
      incoming.on('end', () => resolve({ status: incoming.statusCode, errorType: incoming.headers['x-amzn-errortype'], text }));
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
  return { headers, response };
}

try {
  const own = await describe(config.ownChannel);
  const authorization = own.headers.authorization ?? '';
  // Temporary credentials from the provider: an ASIA key and a session token.
  check('credentials', /Credential=ASIA[0-9A-Z]+\//.test(authorization) && (own.headers['x-amz-security-token'] ?? '').length > 0, authorization.slice(0, 60));
  const info = own.response.status === 200 ? JSON.parse(own.response.text).ChannelInfo : undefined;
  check('describe-own-channel', info?.ChannelName === config.ownChannel && info?.ChannelStatus === 'ACTIVE', own.response);
  const other = await describe(config.otherChannel);
  check('describe-other-channel-refused', other.response.status >= 400 && other.response.errorType?.startsWith('AccessDeniedException'), other.response);
  finish();
} catch (error) {
  finish(`${error.name}: ${error.message}`);
}
