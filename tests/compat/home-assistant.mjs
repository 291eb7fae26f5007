// Home Assistant's side of Vigil's MQTT integration, played by mqtt.js: connects with an
// integration certificate over mutual TLS, subscribes to the discovery prefix and vigil/# as
// Home Assistant's MQTT integration does, writes VIGIL_READY_FILE once subscribed, then collects
// until it has seen the camera's discovery config, an event, the person sensor ON and then OFF.
// Also checks that it may publish nothing. Prints one JSON object;
// tests/Vigil.Server.Tests/Features/Integrations/HomeAssistantMqttJsTests.cs asserts on it.
//
// Environment: VIGIL_MQTT_PORT, VIGIL_CA, VIGIL_CERT, VIGIL_KEY, VIGIL_CLIENT_ID, VIGIL_CAMERA_ID,
// VIGIL_READY_FILE.
import fs from 'node:fs';
import mqtt from 'mqtt';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const camera = env('VIGIL_CAMERA_ID');
const objectId = `vigil_${camera.replaceAll('-', '')}_person`;
const topics = {
  config: `homeassistant/binary_sensor/${objectId}/config`,
  events: `vigil/${camera}/events`,
  person: `vigil/${camera}/person`,
};
const results = { person: [], events: [] };

const client = await mqtt.connectAsync(`mqtts://localhost:${env('VIGIL_MQTT_PORT')}`, {
  ca: fs.readFileSync(env('VIGIL_CA')),
  cert: fs.readFileSync(env('VIGIL_CERT')),
  key: fs.readFileSync(env('VIGIL_KEY')),
  clientId: env('VIGIL_CLIENT_ID'),
  protocolVersion: 5,
  rejectUnauthorized: true,
  reconnectPeriod: 0,
  connectTimeout: 15000,
  clean: true,
});

try {
  const done = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out; so far: ${JSON.stringify(results)}`)), 90000);
    client.on('message', (topic, message, packet) => {
      const text = message.toString('utf8');
      if (topic === topics.config && text.length > 0) {
        results.config = { retained: packet.retain, body: JSON.parse(text) };
      } else if (topic === 'vigil/status') {
        results.status = text;
      } else if (topic === topics.events) {
        results.events.push({ retained: packet.retain, qos: packet.qos, body: JSON.parse(text) });
      } else if (topic === topics.person) {
        results.person.push(text);
      }

      const on = results.person.indexOf('ON');
      if (results.config && results.events.length > 0 && on >= 0 && results.person.indexOf('OFF', on) > on) {
        clearTimeout(timer);
        resolve();
      }
    });
  });

  const granted = await client.subscribeAsync(['homeassistant/#', 'vigil/#'], { qos: 1 });
  results.granted = granted.map((g) => g.qos);
  fs.writeFileSync(env('VIGIL_READY_FILE'), 'subscribed\n');
  await done;

  // An integration is read-only: MQTT 5 PUBACK "not authorized" (0x87).
  try {
    await client.publishAsync(topics.person, 'ON', { qos: 1, retain: true });
    results.publish = { refused: false };
  } catch (error) {
    results.publish = { refused: true, reasonCode: error.code };
  }
} finally {
  await client.endAsync();
}

process.stdout.write(JSON.stringify(results) + '\n');
