namespace Vigil.Server.Hosting;

internal static class JsonRequestSchemaEndpoints
{
    /// <summary>Publishes <paramref name="schema"/> as the endpoint's request body in the OpenAPI document (the endpoint validates against it with <see cref="JsonRequestSchema.ReadAsync"/>).</summary>
    public static RouteHandlerBuilder WithRequestSchema(this RouteHandlerBuilder builder, JsonRequestSchema schema) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.RequestBody = schema.ToOpenApiRequestBody();
            return Task.CompletedTask;
        });
}
