namespace Vigil.Agent.Media;

/// <summary>A run of a source ended in a way worth one clear log line (the reason is the message); the source is retried.</summary>
internal sealed class SourceException(string message) : Exception(message);
