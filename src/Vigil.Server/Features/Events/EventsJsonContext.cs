using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vigil.Server.Features.Events;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(EventPage))]
internal sealed partial class EventsJsonContext : JsonSerializerContext;
