using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vigil.Server.Features.Ingest;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(SpoolEnvelope))]
[JsonSerializable(typeof(IngestAccepted))]
[JsonSerializable(typeof(SendGridEnvelope))]
internal sealed partial class IngestJsonContext : JsonSerializerContext;
