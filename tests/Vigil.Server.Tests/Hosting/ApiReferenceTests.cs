using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Playwright;
using Vigil.Server.Tests.Features.Cameras;
using Vigil.Server.Tests.Features.Identity;
using Vigil.Server.Tests.Features.SnapshotApi;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Hosting;

/// <summary>
/// The API reference: the OpenAPI document against what the API really answers (JSON Schema
/// validation of real responses with JsonSchema.Net), every <c>/api</c> endpoint described with its
/// answers and its problem+json errors, and the <c>/api/docs</c> page in Chromium under its CSP.
/// </summary>
public sealed class ApiReferenceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Real_answers_of_the_api_match_the_schemas_the_openapi_document_declares()
    {
        await using var vigil = await IdentityTestServer.StartAsync(cancellationToken: Ct);
        using var ann = await CameraApiClient.SignUpAsync(vigil, "ann@example.com", Ct);
        var document = await OpenApiResponses.LoadAsync(vigil, Ct);

        using var created = await ann.SendAsync(HttpMethod.Post, "/api/cameras/snapshot", new { name = "Driveway" }, Ct);
        var camera = await document.AssertMatchesAsync(created, "post", "/api/cameras/snapshot", HttpStatusCode.Created, Ct);
        using var cameras = await ann.SendAsync(HttpMethod.Get, "/api/cameras", null, Ct);
        await document.AssertMatchesAsync(cameras, "get", "/api/cameras", HttpStatusCode.OK, Ct);
        using var one = await ann.SendAsync(HttpMethod.Get, $"/api/cameras/{camera.GetProperty("id").GetString()}", null, Ct);
        await document.AssertMatchesAsync(one, "get", "/api/cameras/{id}", HttpStatusCode.OK, Ct);
        using var missing = await ann.SendAsync(HttpMethod.Get, $"/api/cameras/{Guid.NewGuid()}", null, Ct);
        await document.AssertMatchesAsync(missing, "get", "/api/cameras/{id}", HttpStatusCode.NotFound, Ct);
        using var badBind = await ann.SendAsync(HttpMethod.Post, "/api/cameras/bind", new { serialNumber = 5, secret = "secret-CAM-1" }, Ct);
        var problem = await document.AssertMatchesAsync(badBind, "post", "/api/cameras/bind", HttpStatusCode.BadRequest, Ct);
        Assert.Equal("serialNumber", problem.GetProperty("parameter").GetString());
        using (var anonymous = vigil.CreateClient())
        {
            using var unauthorized = await anonymous.SendAsync(HttpMethod.Get, "/api/cameras", null, null, Ct);
            await document.AssertMatchesAsync(unauthorized, "get", "/api/cameras", HttpStatusCode.Unauthorized, Ct);
        }

        using (var upload = vigil.CreateClient())
        {
            using var picture = new ByteArrayContent(SnapshotPictures.Jpeg(64, 48));
            picture.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/ingest/snapshot") { Content = picture };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", camera.GetProperty("uploadToken").GetString());
            using var accepted = await upload.SendAsync(request, Ct);
            await document.AssertMatchesAsync(accepted, "post", "/api/ingest/snapshot", HttpStatusCode.Accepted, Ct);
        }

        await Eventually.WaitAsync(async () => (await ann.GetJsonAsync("/api/events", Ct)).GetProperty("events").GetArrayLength() > 0, TimeSpan.FromSeconds(60), "the uploaded picture to become an event", Ct);
        using var events = await ann.SendAsync(HttpMethod.Get, "/api/events", null, Ct);
        var page = await document.AssertMatchesAsync(events, "get", "/api/events", HttpStatusCode.OK, Ct);
        Assert.NotEqual(0, page.GetProperty("events")[0].GetProperty("pictures").GetArrayLength());
        using var badLimit = await ann.SendAsync(HttpMethod.Get, "/api/events?limit=0", null, Ct);
        await document.AssertMatchesAsync(badLimit, "get", "/api/events", HttpStatusCode.BadRequest, Ct);
        using var rule = await ann.SendAsync(HttpMethod.Post, "/api/rules", new { name = "People", labels = new[] { "Person" }, emailOwner = true }, Ct);
        await document.AssertMatchesAsync(rule, "post", "/api/rules", HttpStatusCode.Created, Ct);
        using var me = await ann.SendAsync(HttpMethod.Get, "/api/me", null, Ct);
        await document.AssertMatchesAsync(me, "get", "/api/me", HttpStatusCode.OK, Ct);

        // The check itself can fail: a camera without most of its fields, a problem as a camera, new
        // credentials without the upload token are all refused.
        var withoutToken = JsonNode.Parse(camera.GetRawText())!.AsObject();
        Assert.False(document.Matches("get", "/api/cameras/{id}", HttpStatusCode.OK, JsonSerializer.SerializeToElement(new { id = Guid.NewGuid(), name = "x" })));
        Assert.False(document.Matches("get", "/api/cameras", HttpStatusCode.OK, JsonSerializer.SerializeToElement(new[] { problem })));
        Assert.False(document.Matches("post", "/api/cameras/snapshot", HttpStatusCode.Created, JsonSerializer.SerializeToElement(withoutToken.Where(p => p.Key != "uploadToken").ToDictionary(p => p.Key, p => p.Value?.DeepClone()))));
    }

    [Fact]
    public async Task Every_api_endpoint_is_documented_with_its_answers_and_problem_json_errors()
    {
        await using var vigil = await RunningVigil.StartAsync(cancellationToken: Ct);
        using var client = vigil.CreateClient();
        var document = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json", Ct))!;
        var endpoints = vigil.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.TrimStart('/').StartsWith("api/", StringComparison.Ordinal) == true)
            .ToList();
        Assert.True(endpoints.Count >= 20, $"only {endpoints.Count} /api endpoints found: is the endpoint data source the right one?");

        var faults = new List<string>();
        foreach (var endpoint in endpoints)
        {
            var path = OpenApiPath(endpoint.RoutePattern);
            foreach (var method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [])
            {
                var name = $"{method} {path}";
                if (document["paths"]?[path]?[method.ToLowerInvariant()] is not JsonObject operation)
                {
                    faults.Add($"{name}: not in the document");
                    continue;
                }

                if (string.IsNullOrWhiteSpace(operation["summary"]?.GetValue<string>()))
                {
                    faults.Add($"{name}: no summary");
                }

                var responses = operation["responses"]?.AsObject() ?? [];
                if (!responses.Any(r => r.Key[0] is '2' or '3'))
                {
                    faults.Add($"{name}: no successful answer documented");
                }

                foreach (var (status, response) in responses.Where(r => r.Key[0] is '4' or '5'))
                {
                    if (response?["content"]?["application/problem+json"]?["schema"]?["$ref"]?.GetValue<string>() != "#/components/schemas/ProblemDetails")
                    {
                        faults.Add($"{name}: {status} is not documented as application/problem+json ProblemDetails");
                    }
                }

                var requiresUser = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Count > 0 && endpoint.Metadata.GetMetadata<IAllowAnonymous>() is null;
                if (requiresUser && (responses["401"] is null || responses["403"] is null || operation["security"] is null))
                {
                    faults.Add($"{name}: requires a user but does not document 401, 403 and the bearer scheme");
                }
            }
        }

        Assert.True(faults.Count == 0, "Describe these endpoints (Produces/ProducesProblem/WithSummary in their Map… method):\n" + string.Join("\n", faults));
        Assert.Equal("bearer", document["components"]?["securitySchemes"]?["bearer"]?["scheme"]?.GetValue<string>());
        var problem = document["components"]?["schemas"]?["ProblemDetails"];
        Assert.Equal(["status", "title", "type"], problem?["required"]?.AsArray().Select(n => n!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.Equal("string", problem?["properties"]?["parameter"]?["type"]?.GetValue<string>());
    }

    [Fact]
    public async Task The_reference_page_renders_every_api_operation_under_its_content_security_policy()
    {
        await using var vigil = await RunningVigil.StartAsync(cancellationToken: Ct);
        using var client = vigil.CreateClient();
        var document = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json", Ct))!;
        var apiPaths = document["paths"]!.AsObject().Select(p => p.Key).Where(p => p.StartsWith("/api/", StringComparison.Ordinal)).ToList();

        await using var chromium = await HeadlessChromium.LaunchAsync(new ChromiumOptions());
        await using var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { IgnoreHTTPSErrors = true });
        await context.AddInitScriptAsync(
            "document.addEventListener('securitypolicyviolation', e => (window.__violations = window.__violations || []).push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`));");
        var page = await context.NewPageAsync();
        var console = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                lock (console)
                {
                    console.Add(message.Text);
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (console)
            {
                console.Add("page error: " + error);
            }
        };

        var response = await page.NavigateAsync(new Uri(vigil.Https, "/api/docs").ToString());
        Assert.NotNull(response);
        Assert.Equal(200, response.Status);
        var policy = await response.HeaderValueAsync("content-security-policy");
        Assert.NotNull(policy);
        Assert.Contains("script-src 'self' 'report-sample';", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe", policy, StringComparison.Ordinal);

        var operations = page.Locator(".opblock-summary-path");
        await Assertions.Expect(page.Locator(".opblock-summary-path[data-path='/api/cameras/bind']")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        var shown = (await operations.EvaluateAllAsync<string[]>("nodes => nodes.map(n => n.getAttribute('data-path'))")).ToHashSet(StringComparer.Ordinal);
        var hidden = apiPaths.Where(p => !shown.Contains(p)).ToList();
        Assert.True(hidden.Count == 0, "operations the page does not show: " + string.Join(", ", hidden));
        Assert.True(await page.Locator(".btn.authorize").IsVisibleAsync(), "no Authorize button: the bearer scheme is missing from the document");

        // Open one operation: its parameters, request body example and responses render too.
        await page.Locator(".opblock-summary-path[data-path='/api/cameras/bind']").ClickAsync();
        await Assertions.Expect(page.Locator(".opblock.is-open .responses-table").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator(".opblock.is-open").GetByText("VGL-2026-000123").First).ToBeVisibleAsync();

        // A canary: an inline style the policy must refuse. Violations are reported in order, so once
        // the canary's is seen every earlier one has been too (and the listener is shown to work).
        const string Canary = "#api-docs-canary { color: red }";
        await page.EvaluateAsync("css => { const s = document.createElement('style'); s.textContent = css; document.head.appendChild(s); }", Canary);
        var violations = await Eventually.WaitAsync(
            async () => await page.EvaluateAsync<string[]?>("() => window.__violations ?? null") is { } seen && seen.Any(v => v.Contains("api-docs-canary", StringComparison.Ordinal)) ? seen : null,
            TimeSpan.FromSeconds(10),
            "the canary's CSP violation",
            Ct);
        var canaryHash = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(Canary)));
        Assert.True(violations.Length == 1, "CSP violations on /api/docs:\n" + string.Join("\n", violations));
        string[] problems;
        lock (console)
        {
            problems = [.. console.Where(m => !m.Contains(canaryHash, StringComparison.Ordinal))];
        }

        Assert.True(problems.Length == 0, "console errors on /api/docs:\n" + string.Join("\n", problems));
    }

    /// <summary>The OpenAPI path of a route: <c>/api/cameras/{id:guid}</c> becomes <c>/api/cameras/{id}</c>.</summary>
    private static string OpenApiPath(RoutePattern pattern) =>
        "/" + string.Join("/", pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternParameterPart parameter => "{" + parameter.Name + "}",
            RoutePatternSeparatorPart separator => separator.Content,
            _ => throw new InvalidOperationException($"unexpected route part in {pattern.RawText}"),
        }))));

    /// <summary>
    /// The response schemas of the OpenAPI document, as JSON Schema 2020-12 (which OpenAPI 3.1
    /// uses): a response's schema with the document's component schemas as its <c>$defs</c>.
    /// </summary>
    private sealed class OpenApiResponses(JsonNode document)
    {
        private static readonly EvaluationOptions Evaluation = new() { OutputFormat = OutputFormat.List, RequireFormatValidation = true };

        public static async Task<OpenApiResponses> LoadAsync(RunningVigil vigil, CancellationToken cancellationToken)
        {
            using var client = vigil.CreateClient();
            return new OpenApiResponses(JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json", cancellationToken))!);
        }

        /// <summary>Asserts the status, that the document declares it with the answer's content type, and that the body matches the schema; returns the body.</summary>
        public async Task<JsonElement> AssertMatchesAsync(HttpResponseMessage response, string method, string path, HttpStatusCode status, CancellationToken cancellationToken)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            Assert.True(response.StatusCode == status, $"{method} {path}: expected {(int)status}, got {(int)response.StatusCode} {text}");
            var contentType = response.Content.Headers.ContentType?.MediaType;
            Assert.NotNull(contentType);
            var body = JsonDocument.Parse(text).RootElement.Clone();
            var results = Schema(method, path, status, contentType).Evaluate(body, Evaluation);
            Assert.True(results.IsValid, $"{method} {path} {(int)status}: the answer does not match the documented schema: "
                + string.Join("; ", results.Details?.Where(d => d.Errors is { Count: > 0 }).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} {e.Key}: {e.Value}")) ?? [])
                + $"\n{text}");
            return body;
        }

        public bool Matches(string method, string path, HttpStatusCode status, JsonElement body) =>
            Schema(method, path, status, "application/json").Evaluate(body, Evaluation).IsValid;

        private JsonSchema Schema(string method, string path, HttpStatusCode status, string contentType)
        {
            var response = document["paths"]?[path]?[method]?["responses"]?[((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture)];
            Assert.True(response is not null, $"{method} {path}: {(int)status} is not documented");
            var schema = response["content"]?[contentType]?["schema"];
            Assert.True(schema is not null, $"{method} {path} {(int)status}: no schema for {contentType} (documented: {response["content"]?.ToJsonString()})");
            var wrapped = new JsonObject
            {
                ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
                ["$defs"] = document["components"]!["schemas"]!.DeepClone(),
                ["allOf"] = new JsonArray(schema.DeepClone()),
            };
            var text = wrapped.ToJsonString().Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal);
            return JsonSchema.FromText(text, baseUri: new Uri($"https://vigil.test/openapi/{Guid.NewGuid():N}"));
        }
    }
}
