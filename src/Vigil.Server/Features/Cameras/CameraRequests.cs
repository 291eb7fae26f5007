using Vigil.Server.Hosting;

namespace Vigil.Server.Features.Cameras;

/// <summary><c>POST /api/cameras/bind</c>: the serial number and secret printed on the camera, and optionally a name (default: the serial).</summary>
internal sealed record BindCameraRequest(string SerialNumber, string Secret, string? Name);

/// <summary><c>PATCH /api/cameras/{id}</c>: a new name.</summary>
internal sealed record RenameCameraRequest(string Name);

/// <summary><c>POST /api/cameras/snapshot</c>: a new snapshot camera's name.</summary>
internal sealed record CreateSnapshotCamera(string Name);

/// <summary>The JSON Schemas of the camera API's request bodies (validated, and published in the OpenAPI document).</summary>
internal static class CameraRequestSchemas
{
    private const string Name = """
        {"type": "string", "minLength": 1, "maxLength": 64, "description": "1 to 64 characters, no control characters"}
        """;

    public static readonly JsonRequestSchema Bind = new($$"""
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "title": "BindCameraRequest",
          "type": "object",
          "additionalProperties": false,
          "required": ["serialNumber", "secret"],
          "examples": [{"serialNumber": "VGL-2026-000123", "secret": "k3Y7-pQ9z-W2mX", "name": "Front door"}],
          "properties": {
            "serialNumber": {"type": "string", "pattern": "^[A-Za-z0-9_.:-]{1,128}$", "description": "the serial number printed on the camera: 1 to 128 letters, digits, '_', '.', ':' or '-'"},
            "secret": {"type": "string", "minLength": 8, "maxLength": 256, "description": "the secret printed on the camera: 8 to 256 characters"},
            "name": {{Name}}
          }
        }
        """);

    public static readonly JsonRequestSchema Rename = new($$"""
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "title": "RenameCameraRequest",
          "type": "object",
          "examples": [{"name": "Garden"}],
          "additionalProperties": false,
          "required": ["name"],
          "properties": {"name": {{Name}}}
        }
        """);

    public static readonly JsonRequestSchema CreateSnapshot = new($$"""
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "title": "CreateSnapshotCamera",
          "type": "object",
          "examples": [{"name": "Driveway"}],
          "additionalProperties": false,
          "required": ["name"],
          "properties": {"name": {{Name}}}
        }
        """);
}
