using Vigil.Contracts.Kvs;
using Vigil.Server.Features.Credentials;

namespace Vigil.Server.Features.Signaling;

/// <summary>TagResource, UntagResource and ListTagsForResource for signaling channels.</summary>
internal sealed class TagApi(ChannelStore store)
{
    public async Task<KvsResult> TagAsync(TagResourceRequest request, CallerIdentity caller, CancellationToken cancellationToken)
    {
        if (request.Tags is not { Count: > 0 })
        {
            return KvsErrors.InvalidArgument("Tags must list 1 to 50 tags.");
        }

        var tags = ChannelApi.ReadTags(request.Tags, out var error);
        if (error is not null)
        {
            return error;
        }

        var (channel, failure) = await FindAsync(request.ResourceARN, caller, KvsActions.TagResource, cancellationToken);
        if (failure is not null)
        {
            return failure;
        }

        return await store.TagAsync(channel!, tags, cancellationToken)
            ? KvsResult.Ok(EmptyResponse.Instance, KvsJsonContext.Default.EmptyResponse)
            : KvsErrors.TagsPerResourceExceeded();
    }

    public async Task<KvsResult> UntagAsync(UntagResourceRequest request, CallerIdentity caller, CancellationToken cancellationToken)
    {
        if (request.TagKeyList is not { Count: > 0 and <= ChannelRules.MaxTags } keys || keys.Any(k => k is not { Length: > 0 and <= ChannelRules.TagKeyMaxLength }))
        {
            return KvsErrors.InvalidArgument("TagKeyList must list 1 to 50 keys of 1 to 128 characters.");
        }

        var (channel, failure) = await FindAsync(request.ResourceARN, caller, KvsActions.UntagResource, cancellationToken);
        if (failure is not null)
        {
            return failure;
        }

        await store.UntagAsync(channel!, keys, cancellationToken);
        return KvsResult.Ok(EmptyResponse.Instance, KvsJsonContext.Default.EmptyResponse);
    }

    public async Task<KvsResult> ListAsync(ListTagsForResourceRequest request, CallerIdentity caller, CancellationToken cancellationToken)
    {
        var (channel, failure) = await FindAsync(request.ResourceARN, caller, KvsActions.ListTagsForResource, cancellationToken);
        if (failure is not null)
        {
            return failure;
        }

        return KvsResult.Ok(
            new ListTagsForResourceResponse { Tags = channel!.Tags.ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal) },
            KvsJsonContext.Default.ListTagsForResourceResponse);
    }

    private async Task<(SignalingChannel? Channel, KvsResult? Error)> FindAsync(string? arn, CallerIdentity caller, string action, CancellationToken cancellationToken)
    {
        if (!ChannelRules.IsArn(arn))
        {
            return (null, KvsErrors.InvalidArgument("ResourceARN is required and must be a signaling channel ARN."));
        }

        if (!caller.IsAllowed(action, arn!))
        {
            return (null, KvsErrors.AccessDenied(caller, action, arn!));
        }

        var channel = await store.FindWithTagsAsync(arn!, cancellationToken);
        return channel is null ? (null, KvsErrors.ResourceNotFound()) : (channel, null);
    }
}
