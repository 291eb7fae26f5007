// The AWS IoT fleet-provisioning claim flow done by hand with mqtt.js, as firmware written for AWS
// IoT would do it, against Vigil's broker over mutual TLS. Prints one JSON object with what each
// step got; tests/Vigil.Server.Tests/Features/Provisioning/MqttJsCompatibilityTests.cs asserts on it.
//
// Environment: VIGIL_MQTT_PORT, VIGIL_CA, VIGIL_CLAIM_CERT, VIGIL_CLAIM_KEY, VIGIL_TEMPLATE,
// VIGIL_CSR (a PEM CSR) and VIGIL_DEVICE_KEY (its key), VIGIL_SERIAL (in the registry),
// VIGIL_UNKNOWN_SERIAL (not in it), VIGIL_REVOKED_SERIAL (revoked in it).
import fs from 'node:fs';
import mqtt from 'mqtt';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const port = Number(env('VIGIL_MQTT_PORT'));
const ca = fs.readFileSync(env('VIGIL_CA'));
const template = env('VIGIL_TEMPLATE');
const provisionTopic = `$aws/provisioning-templates/${template}/provision/json`;
const results = {};

function connect(cert, key, clientId, protocolVersion = 5) {
  return mqtt.connectAsync(`mqtts://localhost:${port}`, {
    ca, cert, key, clientId, protocolVersion,
    rejectUnauthorized: true,
    reconnectPeriod: 0,
    connectTimeout: 15000,
    clean: true,
  });
}

// Subscribe to accepted/rejected first (the documented order), publish, and wait for the answer.
async function request(client, topic, payload) {
  const accepted = `${topic}/accepted`;
  const rejected = `${topic}/rejected`;
  const granted = await client.subscribeAsync([accepted, rejected], { qos: 1 });
  const answer = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer on ${topic}`)), 20000);
    const onMessage = (received, message) => {
      if (received !== accepted && received !== rejected) return;
      clearTimeout(timer);
      client.removeListener('message', onMessage);
      resolve({ accepted: received === accepted, body: JSON.parse(message.toString('utf8')) });
    };
    client.on('message', onMessage);
  });
  await client.publishAsync(topic, JSON.stringify(payload), { qos: 1 });
  const result = await answer;
  await client.unsubscribeAsync([accepted, rejected]);
  return { ...result, granted: granted.map((g) => g.qos) };
}

async function tokenByCreateKeys(client) {
  const created = await request(client, '$aws/certificates/create/json', {});
  if (!created.accepted) throw new Error(`CreateKeysAndCertificate rejected: ${JSON.stringify(created.body)}`);
  return created.body.certificateOwnershipToken;
}

const claim = await connect(fs.readFileSync(env('VIGIL_CLAIM_CERT')), fs.readFileSync(env('VIGIL_CLAIM_KEY')), `claim-${env('VIGIL_SERIAL')}`);
try {
  // Happy path by CSR (the key stays here); the v1-style extra "templateName" key is ignored.
  const csr = await request(claim, '$aws/certificates/create-from-csr/json', { certificateSigningRequest: fs.readFileSync(env('VIGIL_CSR'), 'utf8') });
  results.csr = { accepted: csr.accepted, hasToken: typeof csr.body.certificateOwnershipToken === 'string', certificateId: csr.body.certificateId, granted: csr.granted };
  const register = await request(claim, provisionTopic, {
    certificateOwnershipToken: csr.body.certificateOwnershipToken,
    parameters: { SerialNumber: env('VIGIL_SERIAL') },
    templateName: template,
  });
  results.register = register;

  // Rejected paths.
  results.unknownSerial = await request(claim, provisionTopic, { certificateOwnershipToken: await tokenByCreateKeys(claim), parameters: { SerialNumber: env('VIGIL_UNKNOWN_SERIAL') } });
  results.revokedSerial = await request(claim, provisionTopic, { certificateOwnershipToken: await tokenByCreateKeys(claim), parameters: { SerialNumber: env('VIGIL_REVOKED_SERIAL') } });
  results.badToken = await request(claim, provisionTopic, { certificateOwnershipToken: 'not-a-token', parameters: { SerialNumber: env('VIGIL_SERIAL') } });
  results.reusedToken = await request(claim, provisionTopic, { certificateOwnershipToken: csr.body.certificateOwnershipToken, parameters: { SerialNumber: env('VIGIL_SERIAL') } });

  // A claim certificate may not publish to a device topic: MQTT 5 PUBACK "not authorized" (0x87).
  try {
    await claim.publishAsync(`things/${env('VIGIL_SERIAL')}/state`, 'x', { qos: 1 });
    results.claimPublishToDeviceTopic = { refused: false };
  } catch (error) {
    results.claimPublishToDeviceTopic = { refused: true, reasonCode: error.code };
  }

  // The device connects with its own certificate; client id = thing name.
  if (register.accepted) {
    const device = await connect(Buffer.from(csr.body.certificatePem), fs.readFileSync(env('VIGIL_DEVICE_KEY')), register.body.thingName, 4);
    const echo = new Promise((resolve) => device.on('message', (topic, message) => resolve({ topic, payload: message.toString() })));
    await device.subscribeAsync(`things/${register.body.thingName}/#`, { qos: 1 });
    await device.publishAsync(`things/${register.body.thingName}/hello`, 'from mqtt.js', { qos: 1 });
    results.device = { connected: true, echo: await echo };
    await device.endAsync();
  }
} finally {
  await claim.endAsync();
}

process.stdout.write(JSON.stringify(results) + '\n');
