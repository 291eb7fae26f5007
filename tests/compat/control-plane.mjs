// @aws-sdk/client-kinesis-video and @aws-sdk/client-kinesis-video-signaling against Vigil.
import {
  KinesisVideoClient, CreateSignalingChannelCommand, DescribeSignalingChannelCommand, UpdateSignalingChannelCommand,
  DeleteSignalingChannelCommand, GetSignalingChannelEndpointCommand, paginateListSignalingChannels,
} from '@aws-sdk/client-kinesis-video';
import { KinesisVideoSignalingClient, GetIceServerConfigCommand } from '@aws-sdk/client-kinesis-video-signaling';

const config = JSON.parse(process.env.VIGIL_COMPAT);
const credentials = config.credentials;
const client = new KinesisVideoClient({ region: config.region, endpoint: config.endpoint, credentials, maxAttempts: 1 });
const results = {};
const check = (name, condition, detail) => {
  results[name] = condition ? 'ok' : `FAILED ${detail === undefined ? '' : JSON.stringify(detail)}`;
};

try {
  const prefix = config.prefix;
  const names = [3, 1, 5, 2, 4].map((n) => `${prefix}-${n}`);
  const arns = {};
  for (const name of names) {
    const created = await client.send(new CreateSignalingChannelCommand({
      ChannelName: name, ChannelType: 'SINGLE_MASTER', SingleMasterConfiguration: { MessageTtlSeconds: 60 }, Tags: [{ Key: 'suite', Value: 'compat' }],
    }));
    arns[name] = created.ChannelARN;
  }
  check('create', Object.values(arns).every((arn) => /^arn:aws:kinesisvideo:[a-z0-9-]+:\d{12}:channel\/.+\/\d{13}$/.test(arn)), arns);

  const described = await client.send(new DescribeSignalingChannelCommand({ ChannelName: `${prefix}-1` }));
  const info = described.ChannelInfo;
  check('describe', info.ChannelARN === arns[`${prefix}-1`] && info.ChannelStatus === 'ACTIVE' && info.ChannelType === 'SINGLE_MASTER'
    && info.CreationTime instanceof Date && Math.abs(info.CreationTime.getTime() - Date.now()) < 600_000
    && info.SingleMasterConfiguration.MessageTtlSeconds === 60, info);

  const listed = [];
  let pages = 0;
  for await (const page of paginateListSignalingChannels({ client, pageSize: 2 }, {
    ChannelNameCondition: { ComparisonOperator: 'BEGINS_WITH', ComparisonValue: `${prefix}-` },
  })) {
    pages += 1;
    listed.push(...page.ChannelInfoList.map((c) => c.ChannelName));
  }
  check('list-pagination', pages === 3 && listed.length === 5 && new Set(listed).size === 5 && names.every((n) => listed.includes(n)), { pages, listed });

  await client.send(new UpdateSignalingChannelCommand({
    ChannelARN: info.ChannelARN, CurrentVersion: info.Version, SingleMasterConfiguration: { MessageTtlSeconds: 90 },
  }));
  const updated = (await client.send(new DescribeSignalingChannelCommand({ ChannelARN: info.ChannelARN }))).ChannelInfo;
  check('update', updated.SingleMasterConfiguration.MessageTtlSeconds === 90 && updated.Version !== info.Version, updated);

  const endpoints = await client.send(new GetSignalingChannelEndpointCommand({
    ChannelARN: arns[`${prefix}-2`], SingleMasterChannelEndpointConfiguration: { Protocols: ['WSS', 'HTTPS'], Role: 'VIEWER' },
  }));
  const byProtocol = Object.fromEntries(endpoints.ResourceEndpointList.map((e) => [e.Protocol, e.ResourceEndpoint]));
  check('get-endpoint', byProtocol.WSS?.startsWith('wss://') && byProtocol.WSS.endsWith('/signaling/viewer') && byProtocol.HTTPS?.startsWith('https://'), byProtocol);

  const signaling = new KinesisVideoSignalingClient({ region: config.region, endpoint: byProtocol.HTTPS, credentials, maxAttempts: 1 });
  const ice = await signaling.send(new GetIceServerConfigCommand({ ChannelARN: arns[`${prefix}-2`], ClientId: 'compat-viewer' }));
  check('get-ice-server-config', ice.IceServerList.length >= 1 && ice.IceServerList.every((s) => s.Uris.length >= 1 && s.Uris.length <= 4
    && typeof s.Username === 'string' && typeof s.Password === 'string' && s.Ttl === 300), ice.IceServerList);

  try {
    await client.send(new DeleteSignalingChannelCommand({ ChannelARN: info.ChannelARN, CurrentVersion: info.Version }));
    check('delete-version-mismatch', false, 'a stale version was accepted');
  } catch (error) {
    check('delete-version-mismatch', error.name === 'VersionMismatchException' && error.$metadata?.httpStatusCode === 400, { name: error.name, status: error.$metadata?.httpStatusCode });
  }

  await client.send(new DeleteSignalingChannelCommand({ ChannelARN: info.ChannelARN, CurrentVersion: updated.Version }));
  try {
    await client.send(new DescribeSignalingChannelCommand({ ChannelARN: info.ChannelARN }));
    check('delete', false, 'still there');
  } catch (error) {
    check('delete', error.name === 'ResourceNotFoundException' && error.$metadata?.httpStatusCode === 404
      && error.message === 'The requested channel is not found or not active.', { name: error.name, message: error.message });
  }

  try {
    await client.send(new CreateSignalingChannelCommand({ ChannelName: `${prefix}-2` }));
    check('create-name-in-use', false, 'accepted');
  } catch (error) {
    check('create-name-in-use', error.name === 'ResourceInUseException', error.name);
  }
} catch (error) {
  results.unexpected = `FAILED ${error.name}: ${error.message}`;
}

console.log(JSON.stringify(results));
process.exit(Object.values(results).every((r) => r === 'ok') ? 0 : 1);
