namespace Vigil.Server.Features.Signaling;

internal enum CreateChannelOutcome
{
    Created,
    NameInUse,
    LimitReached,
}
