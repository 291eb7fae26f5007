namespace Vigil.Server.Hosting;

internal enum LogFormat
{
    Auto,
    Text,
    Json,
}
