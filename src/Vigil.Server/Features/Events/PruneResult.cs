namespace Vigil.Server.Features.Events;

internal sealed record PruneResult(int ExpiredByAge, int RemovedForSpace, long BytesFreed);
