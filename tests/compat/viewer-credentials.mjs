// Per-camera viewer credentials (POST /api/cameras/{id}/viewer-credentials) and a pre-signed viewer
// URL (GET /api/cameras/{id}/viewer-url), used by clients we did not write, exactly as the reference
// web client uses them: AWS SDK v3 for the control plane and ICE, the KVS WebRTC SDK's
// SignalingClient as VIEWER against a master, and a plain 'ws' WebSocket given the signed URL alone.
// mode "use": everything allowed works, everything else is AccessDeniedException.
// mode "expired": the same credentials after their expiry (the server's clock moved on; so does ours).
import WebSocket from 'ws';
import { SignalingClient, SigV4RequestSigner, Role } from 'amazon-kinesis-video-streams-webrtc';
import { KinesisVideoClient, DescribeSignalingChannelCommand, GetSignalingChannelEndpointCommand } from '@aws-sdk/client-kinesis-video';
import { KinesisVideoSignalingClient, GetIceServerConfigCommand } from '@aws-sdk/client-kinesis-video-signaling';

globalThis.WebSocket = WebSocket;

const config = JSON.parse(process.env.VIGIL_COMPAT);
const results = {};
const timer = setTimeout(() => finish('timed out'), 30_000);
const sockets = [];
let master;
let viewer;

function finish(failure) {
  if (failure) results.failure = `FAILED ${failure}`;
  clearTimeout(timer);
  master?.close();
  viewer?.close();
  for (const socket of sockets) socket.terminate();
  console.log(JSON.stringify(results));
  process.exit(Object.values(results).every((r) => r === 'ok') && !failure ? 0 : 1);
}

// The viewer credentials exactly as the API answered them (accessKeyId, secretAccessKey, sessionToken, expiration...).
const credentials = {
  accessKeyId: config.viewer.accessKeyId,
  secretAccessKey: config.viewer.secretAccessKey,
  sessionToken: config.viewer.sessionToken,
  expiration: new Date(config.viewer.expiration),
};
const kvs = new KinesisVideoClient({
  region: config.viewer.region, endpoint: config.endpoint, credentials, maxAttempts: 1, systemClockOffset: config.clockOffsetMs ?? 0,
});

async function refused(name, expected, action) {
  try {
    await action();
    results[name] = 'FAILED allowed';
  } catch (error) {
    results[name] = error.name === expected ? 'ok' : `FAILED ${error.name}: ${error.message}`;
  }
}

/** Opens a WebSocket and reports how the server answered the upgrade: 'open' or 'STATUS ErrorType'. */
function upgrade(url) {
  return new Promise((resolve) => {
    const socket = new WebSocket(url);
    sockets.push(socket);
    socket.on('open', () => resolve({ outcome: 'open', socket }));
    socket.on('unexpected-response', (request, response) => resolve({ outcome: `${response.statusCode} ${response.headers['x-amzn-errortype']}` }));
    socket.on('error', (error) => resolve({ outcome: `error ${error.message}` }));
  });
}

const offer = { type: 'offer', sdp: 'v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n' };
const answer = { type: 'answer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n' };

try {
  if (config.mode === 'expired') {
    await refused('describe-after-expiry', 'ExpiredTokenException', () => kvs.send(new DescribeSignalingChannelCommand({ ChannelName: config.viewer.channelName })));
    finish();
  }

  const described = await kvs.send(new DescribeSignalingChannelCommand({ ChannelName: config.viewer.channelName }));
  results.describe = described.ChannelInfo.ChannelARN === config.viewer.channelArn ? 'ok' : `FAILED ${described.ChannelInfo.ChannelARN}`;
  const endpoints = await kvs.send(new GetSignalingChannelEndpointCommand({
    ChannelARN: config.viewer.channelArn,
    SingleMasterChannelEndpointConfiguration: { Protocols: ['WSS', 'HTTPS'], Role: 'VIEWER' },
  }));
  const wss = endpoints.ResourceEndpointList.find((e) => e.Protocol === 'WSS').ResourceEndpoint;
  const https = endpoints.ResourceEndpointList.find((e) => e.Protocol === 'HTTPS').ResourceEndpoint;
  results.endpoint = wss && https ? 'ok' : `FAILED ${JSON.stringify(endpoints.ResourceEndpointList)}`;

  const signaling = new KinesisVideoSignalingClient({ region: config.viewer.region, endpoint: https, credentials, maxAttempts: 1 });
  const ice = await signaling.send(new GetIceServerConfigCommand({ ChannelARN: config.viewer.channelArn, ClientId: 'compat-viewer' }));
  const uris = ice.IceServerList.flatMap((s) => s.Uris);
  results['ice-server-config'] = uris.some((u) => u.startsWith('turn')) && uris.some((u) => u.startsWith('stun')) ? 'ok' : `FAILED ${JSON.stringify(ice.IceServerList)}`;

  // Nothing else: another camera's channel, and the master's side of one's own.
  await refused('other-camera-describe', 'AccessDeniedException', () => kvs.send(new DescribeSignalingChannelCommand({ ChannelARN: config.otherChannelArn })));
  await refused('other-camera-endpoint', 'AccessDeniedException', () => kvs.send(new GetSignalingChannelEndpointCommand({
    ChannelARN: config.otherChannelArn, SingleMasterChannelEndpointConfiguration: { Protocols: ['WSS'], Role: 'VIEWER' },
  })));
  const masterEndpoints = await kvs.send(new GetSignalingChannelEndpointCommand({
    ChannelARN: config.viewer.channelArn, SingleMasterChannelEndpointConfiguration: { Protocols: ['WSS'], Role: 'MASTER' },
  }));
  const signer = new SigV4RequestSigner(config.viewer.region, credentials);
  const asMaster = await upgrade(await signer.getSignedURL(masterEndpoints.ResourceEndpointList[0].ResourceEndpoint, { 'X-Amz-ChannelARN': config.viewer.channelArn }));
  results['connect-as-master-denied'] = asMaster.outcome === '403 AccessDeniedException' ? 'ok' : `FAILED ${asMaster.outcome}`;
  const otherViewer = await upgrade(await signer.getSignedURL(wss, { 'X-Amz-ChannelARN': config.otherChannelArn, 'X-Amz-ClientId': 'compat-viewer' }));
  results['other-camera-connect-denied'] = otherViewer.outcome === '403 AccessDeniedException' ? 'ok' : `FAILED ${otherViewer.outcome}`;

  // The camera's side: a master with the camera's own credentials.
  master = new SignalingClient({ channelARN: config.viewer.channelArn, channelEndpoint: wss.replace('/viewer', '/master'), role: Role.MASTER, region: config.viewer.region, credentials: config.master });
  master.on('error', (error) => finish(`master error: ${error?.message ?? error}`));
  master.on('sdpOffer', (received, remoteClientId) => master.sendSdpAnswer(answer, remoteClientId));
  await new Promise((resolve) => {
    master.on('open', resolve);
    master.open();
  });

  // SignalingClient as VIEWER with the viewer credentials.
  viewer = new SignalingClient({ channelARN: config.viewer.channelArn, channelEndpoint: wss, clientId: 'compat-viewer', role: Role.VIEWER, region: config.viewer.region, credentials });
  viewer.on('error', (error) => finish(`viewer error: ${error?.message ?? error}`));
  results['viewer-answer'] = await new Promise((resolve) => {
    viewer.on('sdpAnswer', (received) => resolve(received.sdp === answer.sdp ? 'ok' : `FAILED ${JSON.stringify(received)}`));
    viewer.on('open', () => viewer.sendSdpOffer(offer));
    viewer.open();
  });

  // A client that knows nothing of SigV4: the signed URL alone, the wire protocol by hand.
  const raw = await upgrade(config.signedURL);
  if (raw.outcome !== 'open') {
    results['signed-url-answer'] = `FAILED ${raw.outcome}`;
  } else {
    results['signed-url-answer'] = await new Promise((resolve) => {
      raw.socket.on('message', (data) => {
        const message = JSON.parse(data.toString());
        if (message.messageType === 'SDP_ANSWER') {
          const received = JSON.parse(Buffer.from(message.messagePayload, 'base64').toString());
          resolve(received.sdp === answer.sdp ? 'ok' : `FAILED ${JSON.stringify(received)}`);
        }
      });
      raw.socket.send(JSON.stringify({ action: 'SDP_OFFER', messagePayload: Buffer.from(JSON.stringify(offer)).toString('base64') }));
    });
  }

  finish();
} catch (error) {
  finish(`${error.name}: ${error.message}`);
}
