using Vigil.Contracts.Kvs;
using Vigil.Server.Features.Credentials;

namespace Vigil.Server.Features.Signaling;

/// <summary>
/// The KVS control plane for signaling channels: Create, Describe, List, Update, Delete,
/// GetSignalingChannelEndpoint and DescribeMediaStorageConfiguration. Every operation is authorised
/// against the caller's policies for <c>kinesisvideo:&lt;Operation&gt;</c> on the channel's ARN.
/// </summary>
internal sealed class ChannelApi(ChannelStore store, SignalingUrls urls, SignalingHub hub, ThingChannelGuard guard)
{
    public const int DefaultMaxResults = 10_000;

    public async Task<KvsResult> CreateAsync(CreateSignalingChannelRequest request, CallerIdentity caller, CancellationToken cancellationToken)
    {
        if (!ChannelRules.IsName(request.ChannelName))
        {
            return KvsErrors.InvalidArgument("ChannelName must be 1 to 256 characters of a-z, A-Z, 0-9, '_', '.' and '-'.");
        }

        if (request.ChannelType is { } type && type != ChannelRules.SingleMaster)
        {
            return KvsErrors.InvalidArgument("ChannelType must be SINGLE_MASTER; FULL_MESH channels are not supported.");
        }

        var ttl = request.SingleMasterConfiguration?.MessageTtlSeconds ?? ChannelRules.DefaultMessageTtlSeconds;
        if (!IsTtl(ttl))
        {
            return TtlError();
        }

        var tags = ReadTags(request.Tags, out var tagError);
        if (tagError is not null)
        {
            return tagError;
        }

        if (tags.Count > ChannelRules.MaxTags)
        {
            return KvsErrors.TagsPerResourceExceeded();
        }

        var name = request.ChannelName!;
        var (arn, createdAt) = store.NextArn(name);
        if (!caller.IsAllowed(KvsActions.CreateSignalingChannel, arn))
        {
            return KvsErrors.AccessDenied(caller, KvsActions.CreateSignalingChannel, arn);
        }

        return await store.CreateAsync(name, arn, createdAt, ttl, tags, caller.Principal.ToString(), cancellationToken) switch
        {
            CreateChannelOutcome.Created => KvsResult.Ok(new CreateSignalingChannelResponse { ChannelARN = arn }, Json.CreateSignalingChannelResponse),
            CreateChannelOutcome.LimitReached => KvsErrors.AccountChannelLimitExceeded(store.MaxChannels),
            _ => KvsErrors.ResourceInUse($"A signaling channel named {name} already exists."),
        };
    }

    public async Task<KvsResult> DescribeAsync(DescribeSignalingChannelRequest request, CallerIdentity caller, CancellationToken cancellationToken)
    {
        var (channel, error) = await FindAsync(request.ChannelName, request.ChannelARN, caller, KvsActions.DescribeSignalingChannel, cancellationToken);
        return error ?? KvsResult.Ok(new DescribeSignalingChannelResponse { ChannelInfo = Info(channel!) }, Json.DescribeSignalingChannelResponse);
    }

    public async Task<KvsResult> ListAsync(ListSignalingChannelsRequest request, CallerIdentity caller, CancellationToken cancellationToken)
    {
        var max = request.MaxResults ?? DefaultMaxResults;
        if (max is < 1 or > DefaultMaxResults)
        {
            return KvsErrors.InvalidArgument("MaxResults must be from 1 to 10000.");
        }

        string? prefix = null;
        if (request.ChannelNameCondition is { } condition)
        {
            if ((condition.ComparisonOperator ?? "BEGINS_WITH") != "BEGINS_WITH")
            {
                return KvsErrors.InvalidArgument("ChannelNameCondition.ComparisonOperator must be BEGINS_WITH.");
            }

            if (condition.ComparisonValue is { } value && !ChannelRules.IsName(value))
            {
                return KvsErrors.InvalidArgument("ChannelNameCondition.ComparisonValue must be 1 to 256 characters of a-z, A-Z, 0-9, '_', '.' and '-'.");
            }

            prefix = condition.ComparisonValue;
        }

        string? after = null;
        if (request.NextToken is { } token && !PageToken.TryRead(token, out after))
        {
            return KvsErrors.InvalidArgument("NextToken is not a token this server returned.");
        }

        // ListSignalingChannels has no resource of its own: IAM checks it against "*".
        if (!caller.IsAllowed(KvsActions.ListSignalingChannels, "*"))
        {
            return KvsErrors.AccessDenied(caller, KvsActions.ListSignalingChannels, "*");
        }

        var page = await store.ListAsync(prefix, after, max, cancellationToken);
        var more = page.Count > max;
        if (more)
        {
            page.RemoveAt(page.Count - 1);
        }

        return KvsResult.Ok(new ListSignalingChannelsResponse
        {
            ChannelInfoList = [.. page.Select(Info)],
            NextToken = more ? PageToken.Write(page[^1].Name) : null,
        }, Json.ListSignalingChannelsResponse);
    }

    public async Task<KvsResult> UpdateAsync(UpdateSignalingChannelRequest request, CallerIdentity caller, CancellationToken cancellationToken)
    {
        if (!ChannelRules.IsArn(request.ChannelARN) || string.IsNullOrEmpty(request.CurrentVersion))
        {
            return KvsErrors.InvalidArgument("ChannelARN and CurrentVersion are required.");
        }

        var ttl = request.SingleMasterConfiguration?.MessageTtlSeconds;
        if (ttl is { } value && !IsTtl(value))
        {
            return TtlError();
        }

        var arn = request.ChannelARN!;
        if (!caller.IsAllowed(KvsActions.UpdateSignalingChannel, arn) || !await guard.MayControlAsync(caller, arn, cancellationToken))
        {
            return KvsErrors.AccessDenied(caller, KvsActions.UpdateSignalingChannel, arn);
        }

        var outcome = await store.UpdateAsync(arn, request.CurrentVersion!, ttl, cancellationToken);
        if (outcome == ChangeOutcome.Done && ttl is { } newTtl)
        {
            hub.ChannelUpdated(arn, newTtl);
        }

        return Answer(outcome);
    }

    public async Task<KvsResult> DeleteAsync(DeleteSignalingChannelRequest request, CallerIdentity caller, CancellationToken cancellationToken)
    {
        if (!ChannelRules.IsArn(request.ChannelARN))
        {
            return KvsErrors.InvalidArgument("ChannelARN is required and must be a signaling channel ARN.");
        }

        var arn = request.ChannelARN!;
        if (!caller.IsAllowed(KvsActions.DeleteSignalingChannel, arn) || !await guard.MayControlAsync(caller, arn, cancellationToken))
        {
            return KvsErrors.AccessDenied(caller, KvsActions.DeleteSignalingChannel, arn);
        }

        var outcome = await store.DeleteAsync(arn, string.IsNullOrEmpty(request.CurrentVersion) ? null : request.CurrentVersion, cancellationToken);
        if (outcome == ChangeOutcome.Done)
        {
            hub.ChannelDeleted(arn);
        }

        return Answer(outcome);
    }

    public async Task<KvsResult> GetEndpointAsync(GetSignalingChannelEndpointRequest request, CallerIdentity caller, CancellationToken cancellationToken)
    {
        var configuration = request.SingleMasterChannelEndpointConfiguration;
        var protocols = configuration?.Protocols ?? ["WSS", "HTTPS"];
        if (protocols.Count is < 1 or > 5 || protocols.Any(p => p is not ("WSS" or "HTTPS" or "WEBRTC")))
        {
            return KvsErrors.InvalidArgument("SingleMasterChannelEndpointConfiguration.Protocols must list 1 to 5 of WSS, HTTPS and WEBRTC.");
        }

        var role = configuration?.Role ?? "MASTER";
        if (role is not ("MASTER" or "VIEWER"))
        {
            return KvsErrors.InvalidArgument("SingleMasterChannelEndpointConfiguration.Role must be MASTER or VIEWER.");
        }

        var (_, error) = await FindAsync(null, request.ChannelARN, caller, KvsActions.GetSignalingChannelEndpoint, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        // WEBRTC is the endpoint of WebRTC ingestion (media storage), which Vigil does not offer: it is left
        // out, as DescribeMediaStorageConfiguration reports DISABLED and clients ask for it only when ENABLED.
        var endpoints = new List<ResourceEndpointListItem>();
        foreach (var protocol in protocols.Distinct())
        {
            switch (protocol)
            {
                case "WSS":
                    endpoints.Add(new ResourceEndpointListItem { Protocol = "WSS", ResourceEndpoint = urls.Wss(role == "MASTER") });
                    break;
                case "HTTPS":
                    endpoints.Add(new ResourceEndpointListItem { Protocol = "HTTPS", ResourceEndpoint = urls.Https });
                    break;
            }
        }

        return KvsResult.Ok(new GetSignalingChannelEndpointResponse { ResourceEndpointList = endpoints }, Json.GetSignalingChannelEndpointResponse);
    }

    public async Task<KvsResult> DescribeMediaStorageAsync(DescribeMediaStorageConfigurationRequest request, CallerIdentity caller, CancellationToken cancellationToken)
    {
        var (_, error) = await FindAsync(request.ChannelName, request.ChannelARN, caller, KvsActions.DescribeMediaStorageConfiguration, cancellationToken);
        return error ?? KvsResult.Ok(
            new DescribeMediaStorageConfigurationResponse { MediaStorageConfiguration = new MediaStorageConfiguration { Status = "DISABLED" } },
            Json.DescribeMediaStorageConfigurationResponse);
    }

    /// <summary>
    /// Looks a channel up by name or ARN and authorises <paramref name="action"/> on it. A missing channel is
    /// authorised against the ARN it would have, so a caller learns it is missing (404, and a camera creates
    /// its channel) only when allowed to act on it; others get AccessDenied whether it exists or not.
    /// </summary>
    internal async Task<(SignalingChannel? Channel, KvsResult? Error)> FindAsync(string? name, string? arn, CallerIdentity caller, string action, CancellationToken cancellationToken)
    {
        SignalingChannel? channel;
        string resource;
        if (!string.IsNullOrEmpty(arn))
        {
            if (!ChannelRules.IsArn(arn))
            {
                return (null, KvsErrors.InvalidArgument("ChannelARN is not a signaling channel ARN."));
            }

            channel = await store.FindByArnAsync(arn, cancellationToken);
            resource = arn;
        }
        else if (!string.IsNullOrEmpty(name))
        {
            if (!ChannelRules.IsName(name))
            {
                return (null, KvsErrors.InvalidArgument("ChannelName must be 1 to 256 characters of a-z, A-Z, 0-9, '_', '.' and '-'."));
            }

            channel = await store.FindByNameAsync(name, cancellationToken);
            resource = channel?.Arn ?? ChannelRules.AnyArn(store.Region, store.Account, name);
        }
        else
        {
            return (null, KvsErrors.InvalidArgument("Either ChannelName or ChannelARN is required."));
        }

        if (!caller.IsAllowed(action, resource))
        {
            return (null, KvsErrors.AccessDenied(caller, action, resource));
        }

        return channel is null ? (null, KvsErrors.ResourceNotFound()) : (channel, null);
    }

    internal static ChannelInfo Info(SignalingChannel channel) => new()
    {
        ChannelName = channel.Name,
        ChannelARN = channel.Arn,
        ChannelType = ChannelRules.SingleMaster,
        ChannelStatus = ChannelRules.Active,
        CreationTime = channel.CreatedAt.ToUnixTimeMilliseconds() / 1000.0,
        SingleMasterConfiguration = new SingleMasterConfiguration { MessageTtlSeconds = channel.MessageTtlSeconds },
        Version = channel.Version,
    };

    internal static Dictionary<string, string> ReadTags(IReadOnlyList<Tag>? tags, out KvsResult? error)
    {
        error = null;
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var tag in tags ?? [])
        {
            if (tag.Key is not { Length: > 0 and <= ChannelRules.TagKeyMaxLength } key || key.StartsWith("aws:", StringComparison.OrdinalIgnoreCase))
            {
                error = KvsErrors.InvalidArgument("Every tag needs a Key of 1 to 128 characters that does not start with 'aws:'.");
                return map;
            }

            if (tag.Value is { Length: > ChannelRules.TagValueMaxLength })
            {
                error = KvsErrors.InvalidArgument("A tag Value may have at most 256 characters.");
                return map;
            }

            map[key] = tag.Value ?? "";
        }

        return map;
    }

    private static KvsResult Answer(ChangeOutcome outcome) => outcome switch
    {
        ChangeOutcome.Done => KvsResult.Ok(EmptyResponse.Instance, Json.EmptyResponse),
        ChangeOutcome.VersionMismatch => KvsErrors.VersionMismatch(),
        _ => KvsErrors.ResourceNotFound(),
    };

    private static bool IsTtl(int seconds) => seconds is >= ChannelRules.MinMessageTtlSeconds and <= ChannelRules.MaxMessageTtlSeconds;

    private static KvsResult TtlError() => KvsErrors.InvalidArgument("SingleMasterConfiguration.MessageTtlSeconds must be from 5 to 120.");

    private static KvsJsonContext Json => KvsJsonContext.Default;
}
