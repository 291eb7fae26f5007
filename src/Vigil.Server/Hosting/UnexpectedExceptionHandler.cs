using Microsoft.AspNetCore.Diagnostics;

namespace Vigil.Server.Hosting;

/// <summary>
/// The one place exceptions become HTTP responses: a problem detail that says something went
/// wrong and gives the trace id to find the logged exception, never the exception itself.
/// </summary>
internal sealed partial class UnexpectedExceptionHandler(IProblemDetailsService problems, ILogger<UnexpectedExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
        {
            return true;
        }

        Log.Unhandled(logger, exception, httpContext.Request.Method, httpContext.Request.Path);
        httpContext.Response.StatusCode = StatusCodes.Status500InternalServerError;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Type = ProblemTypes.Unexpected,
                Title = "Unexpected error",
                Detail = "The server failed to handle the request; the trace id identifies it in the server log.",
                Status = StatusCodes.Status500InternalServerError,
            },
        });
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "Unhandled exception for {Method} {Path}")]
        public static partial void Unhandled(ILogger logger, Exception exception, string method, string path);
    }
}
