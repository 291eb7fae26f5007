namespace Vigil.Agent.Media;

/// <summary>What a source sent is not the container or codec data it should be (the one typed "no" of the media parsers).</summary>
internal sealed class MediaFormatException(string message) : Exception(message);
