// The KVS WebRTC JS SDK's SignalingClient as master and as viewer against Vigil, in Node with 'ws'.
import WebSocket from 'ws';
import { SignalingClient, Role } from 'amazon-kinesis-video-streams-webrtc';
import { KinesisVideoClient, DescribeSignalingChannelCommand, GetSignalingChannelEndpointCommand } from '@aws-sdk/client-kinesis-video';

// The SDK opens its socket with the global WebSocket (browsers); Node 20 has none.
globalThis.WebSocket = WebSocket;

const config = JSON.parse(process.env.VIGIL_COMPAT);
const results = {};
const timer = setTimeout(() => finish('timed out'), 20_000);

async function endpointFor(role, credentials, endpoint) {
  // As the SDK's examples do: describe the channel by name, then ask for the role's endpoints.
  const client = new KinesisVideoClient({ region: config.region, endpoint, credentials, maxAttempts: 1 });
  const channel = await client.send(new DescribeSignalingChannelCommand({ ChannelName: config.channelName }));
  const endpoints = await client.send(new GetSignalingChannelEndpointCommand({
    ChannelARN: channel.ChannelInfo.ChannelARN,
    SingleMasterChannelEndpointConfiguration: { Protocols: ['WSS', 'HTTPS'], Role: role },
  }));
  // A cluster test may pin a role to one node behind a load balancer (masterWss, viewerWss).
  const pinned = role === 'MASTER' ? config.masterWss : config.viewerWss;
  return { arn: channel.ChannelInfo.ChannelARN, wss: pinned ?? endpoints.ResourceEndpointList.find((e) => e.Protocol === 'WSS').ResourceEndpoint };
}

const offer = { type: 'offer', sdp: 'v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n' };
const answer = { type: 'answer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n' };
const viewerCandidate = { candidate: 'candidate:1 1 udp 2122260223 192.0.2.1 50001 typ host', sdpMid: '0', sdpMLineIndex: 0, usernameFragment: 'abcd' };
const masterCandidate = { candidate: 'candidate:2 1 udp 2122260223 192.0.2.2 50002 typ host', sdpMid: '0', sdpMLineIndex: 0 };
const viewerId = `compat-viewer.${Math.random().toString().slice(2, 8)}`;
let master;
let viewer;

function done() {
  if (['master-offer', 'master-candidate', 'viewer-answer', 'viewer-candidate'].every((k) => results[k] === 'ok')) {
    finish();
  }
}

function finish(failure) {
  if (failure) results.failure = `FAILED ${failure}`;
  clearTimeout(timer);
  master?.close();
  viewer?.close();
  console.log(JSON.stringify(results));
  process.exit(Object.values(results).every((r) => r === 'ok') && !failure ? 0 : 1);
}

try {
  // Cluster tests put the master and the viewer on different nodes (masterEndpoint, viewerEndpoint).
  const masterEndpoint = await endpointFor('MASTER', config.master, config.masterEndpoint ?? config.endpoint);
  const viewerEndpoint = await endpointFor('VIEWER', config.viewer, config.viewerEndpoint ?? config.endpoint);
  master = new SignalingClient({
    channelARN: masterEndpoint.arn, channelEndpoint: masterEndpoint.wss, role: Role.MASTER, region: config.region, credentials: config.master,
  });
  viewer = new SignalingClient({
    channelARN: viewerEndpoint.arn, channelEndpoint: viewerEndpoint.wss, clientId: viewerId, role: Role.VIEWER, region: config.region, credentials: config.viewer,
  });
  for (const [name, client] of [['master', master], ['viewer', viewer]]) {
    client.on('error', (error) => finish(`${name} error: ${error?.message ?? error}`));
  }

  master.on('sdpOffer', (received, remoteClientId) => {
    results['master-offer'] = received.sdp === offer.sdp && received.type === 'offer' && remoteClientId === viewerId ? 'ok' : `FAILED ${JSON.stringify([received, remoteClientId])}`;
    master.sendSdpAnswer(answer, remoteClientId);
    master.sendIceCandidate(masterCandidate, remoteClientId);
    done();
  });
  master.on('iceCandidate', (candidate, remoteClientId) => {
    results['master-candidate'] = candidate.candidate === viewerCandidate.candidate && remoteClientId === viewerId ? 'ok' : `FAILED ${JSON.stringify([candidate, remoteClientId])}`;
    done();
  });
  viewer.on('sdpAnswer', (received) => {
    results['viewer-answer'] = received.sdp === answer.sdp && received.type === 'answer' ? 'ok' : `FAILED ${JSON.stringify(received)}`;
    done();
  });
  viewer.on('iceCandidate', (candidate) => {
    results['viewer-candidate'] = candidate.candidate === masterCandidate.candidate ? 'ok' : `FAILED ${JSON.stringify(candidate)}`;
    done();
  });

  // The master must be listening before the viewer's offer (a queued offer would arrive too, but
  // this is the order a camera and a browser normally follow).
  master.on('open', () => {
    results['master-open'] = 'ok';
    viewer.open();
  });
  viewer.on('open', () => {
    results['viewer-open'] = 'ok';
    viewer.sendSdpOffer(offer);
    viewer.sendIceCandidate(viewerCandidate);
  });
  master.open();
} catch (error) {
  finish(`${error.name}: ${error.message}`);
}
