using Vigil.Shared;

namespace Vigil.Server.Features.Ingest;

/// <summary>
/// Group commit for <see cref="DurableFile.FlushDirectory"/> on one directory: whoever asks while a
/// flush runs waits for the next one, which starts when the running one ends and serves all of
/// them. Each caller's rename happened before its flush started, so it is covered; concurrent
/// SMTP sessions then share one directory fsync instead of queueing one each.
/// </summary>
internal sealed class DirectoryFlusher(string directory)
{
    private readonly Lock _gate = new();
    private TaskCompletionSource? _next;
    private bool _running;

    public string Directory => directory;

    /// <summary>Completes once a flush that started after this call has finished (or throws its error).</summary>
    public Task FlushAsync()
    {
        lock (_gate)
        {
            if (_running)
            {
                _next ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                return _next.Task;
            }

            _running = true;
        }

        var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = Task.Run(() => Run(first));
        return first.Task;
    }

    private void Run(TaskCompletionSource current)
    {
        while (true)
        {
            try
            {
                DurableFile.FlushDirectory(directory);
                current.SetResult();
            }
            catch (Exception e)
            {
                current.SetException(e);
            }

            lock (_gate)
            {
                if (_next is null)
                {
                    _running = false;
                    return;
                }

                current = _next;
                _next = null;
            }
        }
    }
}
