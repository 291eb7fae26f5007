// The AWS IoT Device SDK v2 for JavaScript (aws-iot-device-sdk-v2 on aws-crt), unmodified, against Vigil's
// MQTT broker: its default mutual-TLS builders (which offer ALPN x-amzn-mqtt-ca on Linux), fleet provisioning
// by claim with its IotIdentityClientv2, then the device certificates connecting over MQTT 5 and 3.1.1.
import sdk from 'aws-iot-device-sdk-v2';
import { createReport } from './report.mjs';

const { iot, mqtt, mqtt5, iotidentity } = sdk;
const config = JSON.parse(process.env.VIGIL_COMPAT);
const { check, finish } = createReport(60_000);

// An MQTT 5 client from the SDK's default mTLS builder; resolves once connected (rejects on failure).
async function connect5(clientId, cert, key) {
  const builder = iot.AwsIotMqtt5ClientConfigBuilder.newDirectMqttBuilderWithMtlsFromMemory(config.host, cert, key);
  builder.withPort(config.port);
  builder.withCertificateAuthorityFromPath(undefined, config.caFile);
  builder.withConnectProperties({ clientId, keepAliveIntervalSeconds: 30 });
  const alpn = builder.tlsContextOptions.alpn_list.join(',');
  const client = new mqtt5.Mqtt5Client(builder.build());
  await new Promise((resolve, reject) => {
    client.once('connectionSuccess', resolve);
    client.once('connectionFailure', (event) => reject(new Error(`${clientId}: ${event.error?.toString()} ${JSON.stringify(event.connack ?? {})}`)));
    client.start();
  });
  return { client, alpn };
}

async function stop5(client) {
  await new Promise((resolve) => {
    client.once('stopped', resolve);
    client.stop();
  });
  client.close();
}

async function rejection(promise) {
  try {
    return { accepted: await promise };
  } catch (error) {
    return { error: error.modeledError ?? { message: error.message } };
  }
}

try {
  // 1. The claim certificate (shared by a batch of cameras) runs fleet provisioning.
  const claim = await connect5(`claim-${config.keysSerial}`, config.claimCert, config.claimKey);
  // The SDK's default on Linux; recorded so the test fails if a client without ALPN slipped in.
  check('claim-alpn', claim.alpn === 'x-amzn-mqtt-ca', claim.alpn);
  const identity = iotidentity.IotIdentityClientv2.newFromMqtt5(claim.client, {
    maxRequestResponseSubscriptions: 2, maxStreamingSubscriptions: 2, operationTimeoutInSeconds: 20,
  });

  const keys = await identity.createKeysAndCertificate({});
  check('create-keys-and-certificate', keys.certificatePem?.includes('BEGIN CERTIFICATE') && keys.privateKey?.includes('PRIVATE KEY') && keys.certificateOwnershipToken, keys);
  const keysThing = await identity.registerThing({
    templateName: config.template, certificateOwnershipToken: keys.certificateOwnershipToken, parameters: { SerialNumber: config.keysSerial },
  });
  check('register-thing-keys', keysThing.thingName === config.keysSerial, keysThing);

  const fromCsr = await identity.createCertificateFromCsr({ certificateSigningRequest: config.csr });
  check('create-certificate-from-csr', fromCsr.certificatePem?.includes('BEGIN CERTIFICATE') && fromCsr.certificateOwnershipToken, fromCsr);
  const csrThing = await identity.registerThing({
    templateName: config.template, certificateOwnershipToken: fromCsr.certificateOwnershipToken, parameters: { SerialNumber: config.csrSerial },
  });
  check('register-thing-csr', csrThing.thingName === config.csrSerial, csrThing);

  const spare = await identity.createKeysAndCertificate({});
  const unknown = await rejection(identity.registerThing({
    templateName: config.template, certificateOwnershipToken: spare.certificateOwnershipToken, parameters: { SerialNumber: config.unknownSerial },
  }));
  check('unknown-serial-refused', unknown.error?.statusCode === 403 && unknown.error?.errorCode === 'AccessDenied', unknown);

  identity.close();
  await stop5(claim.client);

  // 2. Each device certificate connects with its thing name as client id, and uses its own topics.
  const device = await connect5(config.keysSerial, keys.certificatePem, keys.privateKey);
  check('device-alpn', device.alpn === 'x-amzn-mqtt-ca', device.alpn);
  const topic = `things/${config.keysSerial}/hello`;
  const received = new Promise((resolve) => device.client.on('messageReceived', (event) => resolve(event.message)));
  const subscribed = await device.client.subscribe({ subscriptions: [{ topicFilter: topic, qos: mqtt5.QoS.AtLeastOnce }] });
  check('device-subscribe', subscribed.reasonCodes?.[0] === mqtt5.SubackReasonCode.GrantedQoS1, subscribed);
  await device.client.publish({ topicName: topic, qos: mqtt5.QoS.AtLeastOnce, payload: JSON.stringify({ hello: 'vigil' }) });
  const message = await received;
  check('device-publish-receive', message.topicName === topic && Buffer.from(message.payload).toString() === '{"hello":"vigil"}', message.topicName);
  await stop5(device.client);

  // The CSR's key never left this side; the MQTT 3.1.1 client's default mTLS builder this time.
  const builder311 = iot.AwsIotMqttConnectionConfigBuilder.new_mtls_builder(fromCsr.certificatePem, config.csrKey);
  builder311.with_certificate_authority_from_path(undefined, config.caFile);
  builder311.with_endpoint(config.host).with_port(config.port).with_client_id(config.csrSerial).with_clean_session(true);
  check('device311-alpn', builder311.tls_ctx_options.alpn_list.join(',') === 'x-amzn-mqtt-ca', builder311.tls_ctx_options.alpn_list);
  const connection = new mqtt.MqttClient().new_connection(builder311.build());
  const resumed = await connection.connect();
  check('device311-connect', resumed === false, { resumed });
  await connection.disconnect();

  finish();
} catch (error) {
  finish(`${error.name}: ${error.message} ${JSON.stringify(error.modeledError ?? '')}`);
}
