using System.Globalization;
using System.Text;
using System.Text.Json;
using Vigil.Server.Features.Credentials;
using Vigil.SigV4;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Features.Signaling;

public sealed class ControlPlaneTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(StorageProviders.All), MemberType = typeof(StorageProviders))]
    public async Task A_channel_is_created_described_by_name_and_arn_updated_and_deleted(string provider)
    {
        await using var vigil = await RunningVigil.StartAsync(provider, cancellationToken: Ct);
        using var kvs = KvsTestClient.For(vigil, await TestCredentials.AdminKeyAsync(vigil));

        var created = await kvs.PostAsync("/createSignalingChannel", """{"ChannelName":"camera-0001","ChannelType":"SINGLE_MASTER","SingleMasterConfiguration":{"MessageTtlSeconds":30},"Tags":[{"Key":"room","Value":"hall"}]}""", Ct);
        var arn = created.Json.GetProperty("ChannelARN").GetString()!;
        var byName = await kvs.PostAsync("/describeSignalingChannel", """{"ChannelName":"camera-0001"}""", Ct);
        var byArn = await kvs.PostAsync("/describeSignalingChannel", $$"""{"ChannelARN":"{{arn}}"}""", Ct);
        var info = byName.Json.GetProperty("ChannelInfo");
        var version = info.GetProperty("Version").GetString()!;
        var updated = await kvs.PostAsync("/updateSignalingChannel", $$$"""{"ChannelARN":"{{{arn}}}","CurrentVersion":"{{{version}}}","SingleMasterConfiguration":{"MessageTtlSeconds":90}}""", Ct);
        var after = (await kvs.PostAsync("/describeSignalingChannel", $$"""{"ChannelARN":"{{arn}}"}""", Ct)).Json.GetProperty("ChannelInfo");
        var deleted = await kvs.PostAsync("/deleteSignalingChannel", $$"""{"ChannelARN":"{{arn}}","CurrentVersion":"{{after.GetProperty("Version").GetString()}}"}""", Ct);
        var gone = await kvs.PostAsync("/describeSignalingChannel", """{"ChannelName":"camera-0001"}""", Ct);

        Assert.Equal(200, created.Status);
        Assert.Matches(@"^arn:aws:kinesisvideo:us-east-1:000000000000:channel/camera-0001/\d{13}$", arn);
        Assert.Equal(200, byName.Status);
        Assert.Equal(byName.Text, byArn.Text);
        Assert.Equal(["ChannelName", "ChannelARN", "ChannelType", "ChannelStatus", "CreationTime", "SingleMasterConfiguration", "Version"], info.EnumerateObject().Select(p => p.Name));
        Assert.Equal("camera-0001", info.GetProperty("ChannelName").GetString());
        Assert.Equal(arn, info.GetProperty("ChannelARN").GetString());
        Assert.Equal("SINGLE_MASTER", info.GetProperty("ChannelType").GetString());
        Assert.Equal("ACTIVE", info.GetProperty("ChannelStatus").GetString());
        Assert.Equal(long.Parse(arn[(arn.LastIndexOf('/') + 1)..], CultureInfo.InvariantCulture) / 1000.0, info.GetProperty("CreationTime").GetDouble(), 3);
        Assert.Contains("\"MessageTtlSeconds\":30}", byName.Text, StringComparison.Ordinal);
        Assert.Matches("^[A-Za-z0-9]{10}$", version);
        Assert.Equal(200, updated.Status);
        Assert.Equal("{}", updated.Text);
        Assert.Equal(90, after.GetProperty("SingleMasterConfiguration").GetProperty("MessageTtlSeconds").GetInt32());
        Assert.NotEqual(version, after.GetProperty("Version").GetString());
        Assert.Equal(200, deleted.Status);
        Assert.Equal(404, gone.Status);
        Assert.Equal("ResourceNotFoundException", gone.ErrorType);
        Assert.Equal("The requested channel is not found or not active.", gone.Message);
    }

    [Fact]
    public async Task Every_answer_is_aws_shaped_with_request_id_date_and_json_never_problem_details()
    {
        await using var vigil = await RunningVigil.StartAsync(cancellationToken: Ct);
        using var kvs = KvsTestClient.For(vigil, await TestCredentials.AdminKeyAsync(vigil));
        using var anonymous = KvsTestClient.For(vigil, null);

        var ok = await kvs.PostAsync("/createSignalingChannel", """{"ChannelName":"a"}""", Ct);
        var notFound = await kvs.PostAsync("/describeSignalingChannel", """{"ChannelName":"nope"}""", Ct);
        var unsigned = await anonymous.PostAsync("/describeSignalingChannel", """{"ChannelName":"a"}""", Ct);

        foreach (var response in new[] { ok, notFound, unsigned })
        {
            Assert.Equal("application/json", response.ContentType);
            Assert.True(Guid.TryParse(response.RequestId, out _), response.Raw.ToString());
            Assert.NotNull(response.Raw.Headers.Date);
            Assert.True(Math.Abs((response.Raw.Headers.Date!.Value - TimeProvider.System.GetUtcNow()).TotalMinutes) < 5);
        }

        Assert.Equal(403, unsigned.Status);
        Assert.Equal("MissingAuthenticationTokenException", unsigned.ErrorType);
        Assert.Equal(["Message"], unsigned.Json.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["Message"], notFound.Json.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task A_request_shaped_like_the_kvs_c_sdk_gets_exact_pascal_case_integers_and_a_date_over_http_1_1()
    {
        await using var vigil = await RunningVigil.StartAsync(cancellationToken: Ct);
        var credentials = TestCredentials.Temporary(vigil, CredentialPrincipal.Thing("camera-0001", "cert"), TestCredentials.CameraPolicy);

        // The C SDK state machine: Describe → 404 → Create → Describe.
        var missing = await CSdkPostAsync(vigil, credentials, "/describeSignalingChannel", "{\n\t\"ChannelName\": \"camera-0001\"\n}");
        var create = await CSdkPostAsync(vigil, credentials, "/createSignalingChannel",
            "{\n\t\"ChannelName\": \"camera-0001\",\n\t\"ChannelType\": \"SINGLE_MASTER\",\n\t\"SingleMasterConfiguration\": {\n\t\t\"MessageTtlSeconds\": 60\n\t}\n}");
        var describe = await CSdkPostAsync(vigil, credentials, "/describeSignalingChannel", "{\n\t\"ChannelName\": \"camera-0001\"\n}");
        var arn = JsonDocument.Parse(create.Body).RootElement.GetProperty("ChannelARN").GetString();
        var endpoint = await CSdkPostAsync(vigil, credentials, "/getSignalingChannelEndpoint",
            $"{{\n\t\"ChannelARN\": \"{arn}\",\n\t\"SingleMasterChannelEndpointConfiguration\": {{\n\t\t\"Protocols\": [\"WSS\", \"HTTPS\"],\n\t\t\"Role\": \"MASTER\"\n\t}}\n}}");

        Assert.Equal("HTTP/1.1 404 Not Found", missing.StatusLine);
        Assert.Equal("ResourceNotFoundException", missing.Header("x-amzn-ErrorType"));
        Assert.Equal("HTTP/1.1 200 OK", create.StatusLine);
        Assert.Equal(200, describe.Status);
        Assert.Contains("\"ChannelInfo\":{\"ChannelName\":\"camera-0001\",\"ChannelARN\":\"" + arn + "\",\"ChannelType\":\"SINGLE_MASTER\",\"ChannelStatus\":\"ACTIVE\",\"CreationTime\":", describe.Body, StringComparison.Ordinal);
        Assert.Contains("\"SingleMasterConfiguration\":{\"MessageTtlSeconds\":60}", describe.Body, StringComparison.Ordinal);
        Assert.NotNull(describe.Header("Date"));
        Assert.True(DateTimeOffset.TryParseExact(describe.Header("Date"), "r", CultureInfo.InvariantCulture, DateTimeStyles.None, out _));
        Assert.NotNull(describe.Header("x-amzn-RequestId"));
        Assert.Equal(200, endpoint.Status);
        Assert.Contains("\"ResourceEndpointList\":[{\"Protocol\":\"WSS\",\"ResourceEndpoint\":\"wss://localhost:" + vigil.Https.Port + "/signaling/master\"},{\"Protocol\":\"HTTPS\",\"ResourceEndpoint\":\"https://localhost:" + vigil.Https.Port + "\"}]", endpoint.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Input_names_match_case_insensitively_and_unknown_members_are_ignored()
    {
        await using var vigil = await RunningVigil.StartAsync(cancellationToken: Ct);
        using var kvs = KvsTestClient.For(vigil, await TestCredentials.AdminKeyAsync(vigil));

        var created = await kvs.PostAsync("/createSignalingChannel", """{"channelName":"lower","singlemasterconfiguration":{"messageTtlSeconds":7},"Extra":{"x":[1,2]}}""", Ct);
        var described = await kvs.PostAsync("/describeSignalingChannel", """{"CHANNELNAME":"lower"}""", Ct);

        Assert.Equal(200, created.Status);
        Assert.Equal(7, described.Json.GetProperty("ChannelInfo").GetProperty("SingleMasterConfiguration").GetProperty("MessageTtlSeconds").GetInt32());
    }

    [Theory]
    [InlineData("""{"ChannelName":"has space"}""", "InvalidArgumentException")]
    [InlineData("""{"ChannelName":""}""", "InvalidArgumentException")]
    [InlineData("""{}""", "InvalidArgumentException")]
    [InlineData("""{"ChannelName":"x","ChannelType":"FULL_MESH"}""", "InvalidArgumentException")]
    [InlineData("""{"ChannelName":"x","SingleMasterConfiguration":{"MessageTtlSeconds":4}}""", "InvalidArgumentException")]
    [InlineData("""{"ChannelName":"x","SingleMasterConfiguration":{"MessageTtlSeconds":121}}""", "InvalidArgumentException")]
    [InlineData("""{"ChannelName":"x","SingleMasterConfiguration":{"MessageTtlSeconds":"60"}}""", "InvalidArgumentException")]
    [InlineData("""{"ChannelName":"x","Tags":[{"Key":"aws:reserved","Value":"v"}]}""", "InvalidArgumentException")]
    [InlineData("""{"ChannelName":"x" """, "InvalidArgumentException")]
    [InlineData("""[1,2,3]""", "InvalidArgumentException")]
    [InlineData("""null""", "InvalidArgumentException")]
    public async Task Bad_create_requests_are_invalid_arguments(string body, string errorType)
    {
        await using var vigil = await RunningVigil.StartAsync(cancellationToken: Ct);
        using var kvs = KvsTestClient.For(vigil, await TestCredentials.AdminKeyAsync(vigil));

        var response = await kvs.PostAsync("/createSignalingChannel", body, Ct);

        Assert.Equal(400, response.Status);
        Assert.Equal(errorType, response.ErrorType);
        Assert.False(string.IsNullOrEmpty(response.Message));
    }

    [Fact]
    public async Task A_taken_name_is_in_use_and_more_than_50_tags_exceed_the_limit()
    {
        await using var vigil = await RunningVigil.StartAsync(cancellationToken: Ct);
        using var kvs = KvsTestClient.For(vigil, await TestCredentials.AdminKeyAsync(vigil));
        await kvs.CreateChannelAsync("taken", Ct);
        var tags = string.Join(',', Enumerable.Range(0, 51).Select(i => $$"""{"Key":"k{{i}}","Value":"v"}"""));

        var again = await kvs.PostAsync("/createSignalingChannel", """{"ChannelName":"taken"}""", Ct);
        var tooManyTags = await kvs.PostAsync("/createSignalingChannel", $$"""{"ChannelName":"tagged","Tags":[{{tags}}]}""", Ct);

        Assert.Equal("ResourceInUseException", again.ErrorType);
        Assert.Equal(400, again.Status);
        Assert.Equal("TagsPerResourceExceededLimitException", tooManyTags.ErrorType);
    }

    [Fact]
    public async Task The_channel_limit_is_enforced()
    {
        await using var vigil = await RunningVigil.StartAsync(settings: new Dictionary<string, string?> { ["Signaling:MaxChannels"] = "2" }, cancellationToken: Ct);
        using var kvs = KvsTestClient.For(vigil, await TestCredentials.AdminKeyAsync(vigil));
        await kvs.CreateChannelAsync("one", Ct);
        await kvs.CreateChannelAsync("two", Ct);

        var third = await kvs.PostAsync("/createSignalingChannel", """{"ChannelName":"three"}""", Ct);

        Assert.Equal("AccountChannelLimitExceededException", third.ErrorType);
    }

    [Theory]
    [MemberData(nameof(StorageProviders.All), MemberType = typeof(StorageProviders))]
    public async Task List_pages_through_every_channel_in_name_order_and_filters_by_prefix(string provider)
    {
        await using var vigil = await RunningVigil.StartAsync(provider, cancellationToken: Ct);
        using var kvs = KvsTestClient.For(vigil, await TestCredentials.AdminKeyAsync(vigil));
        foreach (var name in new[] { "cam-3", "cam-1", "door", "cam-2", "cam_4" })
        {
            await kvs.CreateChannelAsync(name, Ct);
        }

        var names = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var body = token is null ? """{"MaxResults":2}""" : $$"""{"MaxResults":2,"NextToken":"{{token}}"}""";
            var page = (await kvs.PostAsync("/listSignalingChannels", body, Ct)).Json;
            names.AddRange(page.GetProperty("ChannelInfoList").EnumerateArray().Select(c => c.GetProperty("ChannelName").GetString()!));
            token = page.TryGetProperty("NextToken", out var next) ? next.GetString() : null;
            Assert.True(token is null || System.Text.RegularExpressions.Regex.IsMatch(token, "^[a-zA-Z0-9+/=]{1,1024}$"));
            pages++;
        }
        while (token is not null);
        var filtered = await kvs.PostAsync("/listSignalingChannels", """{"ChannelNameCondition":{"ComparisonOperator":"BEGINS_WITH","ComparisonValue":"cam-"}}""", Ct);
        var all = await kvs.PostAsync("/listSignalingChannels", "", Ct);
        var badToken = await kvs.PostAsync("/listSignalingChannels", """{"NextToken":"bm90IG91cnM="}""", Ct);
        var badMax = await kvs.PostAsync("/listSignalingChannels", """{"MaxResults":0}""", Ct);

        Assert.Equal(3, pages);
        Assert.Equal(5, names.Count);
        Assert.Equal(5, names.Distinct().Count());
        Assert.Equal(["cam-1", "cam-2", "cam-3"], filtered.Json.GetProperty("ChannelInfoList").EnumerateArray().Select(c => c.GetProperty("ChannelName").GetString()).Order(StringComparer.Ordinal));
        Assert.False(filtered.Json.TryGetProperty("NextToken", out _));
        Assert.Equal(5, all.Json.GetProperty("ChannelInfoList").GetArrayLength());
        Assert.Equal("InvalidArgumentException", badToken.ErrorType);
        Assert.Equal("InvalidArgumentException", badMax.ErrorType);
    }

    [Fact]
    public async Task Update_and_delete_with_a_stale_version_are_version_mismatches_and_change_nothing()
    {
        await using var vigil = await RunningVigil.StartAsync(cancellationToken: Ct);
        using var kvs = KvsTestClient.For(vigil, await TestCredentials.AdminKeyAsync(vigil));
        var arn = await kvs.CreateChannelAsync("versioned", Ct);

        var staleUpdate = await kvs.PostAsync("/updateSignalingChannel", $$$"""{"ChannelARN":"{{{arn}}}","CurrentVersion":"0000000000","SingleMasterConfiguration":{"MessageTtlSeconds":99}}""", Ct);
        var staleDelete = await kvs.PostAsync("/deleteSignalingChannel", $$"""{"ChannelARN":"{{arn}}","CurrentVersion":"0000000000"}""", Ct);
        var noVersion = await kvs.PostAsync("/updateSignalingChannel", $$"""{"ChannelARN":"{{arn}}"}""", Ct);
        var info = (await kvs.PostAsync("/describeSignalingChannel", """{"ChannelName":"versioned"}""", Ct)).Json.GetProperty("ChannelInfo");
        var unknown = await kvs.PostAsync("/deleteSignalingChannel", """{"ChannelARN":"arn:aws:kinesisvideo:us-east-1:000000000000:channel/none/1700000000000"}""", Ct);
        var deleteWithoutVersion = await kvs.PostAsync("/deleteSignalingChannel", $$"""{"ChannelARN":"{{arn}}"}""", Ct);

        Assert.Equal("VersionMismatchException", staleUpdate.ErrorType);
        Assert.Equal(400, staleUpdate.Status);
        Assert.Equal("VersionMismatchException", staleDelete.ErrorType);
        Assert.Equal("InvalidArgumentException", noVersion.ErrorType);
        Assert.Equal(60, info.GetProperty("SingleMasterConfiguration").GetProperty("MessageTtlSeconds").GetInt32());
        Assert.Equal("ResourceNotFoundException", unknown.ErrorType);
        Assert.Equal(200, deleteWithoutVersion.Status);
    }

    [Fact]
    public async Task Get_endpoint_returns_role_specific_wss_and_the_https_endpoint_from_the_public_base_url()
    {
        await using var vigil = await RunningVigil.StartAsync(settings: new Dictionary<string, string?> { ["Signaling:PublicBaseUrl"] = "https://vigil.example.com" }, cancellationToken: Ct);
        using var kvs = KvsTestClient.For(vigil, await TestCredentials.AdminKeyAsync(vigil));
        var arn = await kvs.CreateChannelAsync("endpoints", Ct);

        var viewer = await kvs.PostAsync("/getSignalingChannelEndpoint", $$$"""{"ChannelARN":"{{{arn}}}","SingleMasterChannelEndpointConfiguration":{"Protocols":["WSS","HTTPS"],"Role":"VIEWER"}}""", Ct);
        var master = await kvs.PostAsync("/getSignalingChannelEndpoint", $$$"""{"ChannelARN":"{{{arn}}}","SingleMasterChannelEndpointConfiguration":{"Protocols":["HTTPS","WSS","WEBRTC"],"Role":"MASTER"}}""", Ct);
        var defaults = await kvs.PostAsync("/getSignalingChannelEndpoint", $$"""{"ChannelARN":"{{arn}}"}""", Ct);
        var badRole = await kvs.PostAsync("/getSignalingChannelEndpoint", $$$"""{"ChannelARN":"{{{arn}}}","SingleMasterChannelEndpointConfiguration":{"Protocols":["WSS"],"Role":"ADMIN"}}""", Ct);
        var missing = await kvs.PostAsync("/getSignalingChannelEndpoint", """{"ChannelARN":"arn:aws:kinesisvideo:us-east-1:000000000000:channel/none/1"}""", Ct);
        var media = await kvs.PostAsync("/describeMediaStorageConfiguration", """{"ChannelName":"endpoints"}""", Ct);

        Assert.Equal("""{"ResourceEndpointList":[{"Protocol":"WSS","ResourceEndpoint":"wss://vigil.example.com/signaling/viewer"},{"Protocol":"HTTPS","ResourceEndpoint":"https://vigil.example.com"}]}""", viewer.Text);
        Assert.Equal("""{"ResourceEndpointList":[{"Protocol":"HTTPS","ResourceEndpoint":"https://vigil.example.com"},{"Protocol":"WSS","ResourceEndpoint":"wss://vigil.example.com/signaling/master"}]}""", master.Text);
        Assert.Equal("""{"ResourceEndpointList":[{"Protocol":"WSS","ResourceEndpoint":"wss://vigil.example.com/signaling/master"},{"Protocol":"HTTPS","ResourceEndpoint":"https://vigil.example.com"}]}""", defaults.Text);
        Assert.Equal("InvalidArgumentException", badRole.ErrorType);
        Assert.Equal("ResourceNotFoundException", missing.ErrorType);
        Assert.Equal("""{"MediaStorageConfiguration":{"Status":"DISABLED"}}""", media.Text);
    }

    [Fact]
    public async Task Tags_are_added_overwritten_listed_and_removed()
    {
        await using var vigil = await RunningVigil.StartAsync(cancellationToken: Ct);
        using var kvs = KvsTestClient.For(vigil, await TestCredentials.AdminKeyAsync(vigil));
        var arn = await kvs.CreateChannelAsync("tagged", Ct);

        var tag = await kvs.PostAsync("/TagResource", $$"""{"ResourceARN":"{{arn}}","Tags":[{"Key":"room","Value":"hall"},{"Key":"floor","Value":"1"}]}""", Ct);
        await kvs.PostAsync("/TagResource", $$"""{"ResourceARN":"{{arn}}","Tags":[{"Key":"room","Value":"kitchen"}]}""", Ct);
        var untag = await kvs.PostAsync("/UntagResource", $$"""{"ResourceARN":"{{arn}}","TagKeyList":["floor","absent"]}""", Ct);
        var list = await kvs.PostAsync("/ListTagsForResource", $$"""{"ResourceARN":"{{arn}}"}""", Ct);
        var tooMany = await kvs.PostAsync("/TagResource", $$"""{"ResourceARN":"{{arn}}","Tags":[{{string.Join(',', Enumerable.Range(0, 50).Select(i => $$"""{"Key":"k{{i}}","Value":"v"}"""))}}]}""", Ct);
        var missing = await kvs.PostAsync("/ListTagsForResource", """{"ResourceARN":"arn:aws:kinesisvideo:us-east-1:000000000000:channel/none/1"}""", Ct);

        Assert.Equal(200, tag.Status);
        Assert.Equal(200, untag.Status);
        Assert.Equal("""{"Tags":{"room":"kitchen"}}""", list.Text);
        Assert.Equal("TagsPerResourceExceededLimitException", tooMany.ErrorType);
        Assert.Equal("ResourceNotFoundException", missing.ErrorType);
    }

    [Fact]
    public async Task Temporary_credentials_reach_their_own_channel_and_are_refused_for_another()
    {
        await using var vigil = await RunningVigil.StartAsync(cancellationToken: Ct);
        using var admin = KvsTestClient.For(vigil, await TestCredentials.AdminKeyAsync(vigil));
        var other = await admin.CreateChannelAsync("camera-0002", Ct);
        using var camera = KvsTestClient.For(vigil, TestCredentials.Temporary(vigil, CredentialPrincipal.Thing("camera-0001", "cert"), TestCredentials.CameraPolicy));

        var ownMissing = await camera.PostAsync("/describeSignalingChannel", """{"ChannelName":"camera-0001"}""", Ct);
        var ownCreate = await camera.PostAsync("/createSignalingChannel", """{"ChannelName":"camera-0001"}""", Ct);
        var otherDescribe = await camera.PostAsync("/describeSignalingChannel", """{"ChannelName":"camera-0002"}""", Ct);
        var otherByArn = await camera.PostAsync("/getSignalingChannelEndpoint", $$"""{"ChannelARN":"{{other}}"}""", Ct);
        var otherMissing = await camera.PostAsync("/describeSignalingChannel", """{"ChannelName":"camera-0003"}""", Ct);
        var otherCreate = await camera.PostAsync("/createSignalingChannel", """{"ChannelName":"camera-0003"}""", Ct);
        var list = await camera.PostAsync("/listSignalingChannels", "{}", Ct);
        var delete = await camera.PostAsync("/deleteSignalingChannel", $$"""{"ChannelARN":"{{ownCreate.Json.GetProperty("ChannelARN").GetString()}}"}""", Ct);

        Assert.Equal(404, ownMissing.Status);
        Assert.Equal(200, ownCreate.Status);
        foreach (var refused in new[] { otherDescribe, otherByArn, otherMissing, otherCreate, list, delete })
        {
            Assert.Equal(401, refused.Status);
            Assert.Equal("AccessDeniedException", refused.ErrorType);
            Assert.StartsWith("User: thing/camera-0001 is not authorized to perform: kinesisvideo:", refused.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_revoked_key_an_expired_or_future_signature_and_a_tampered_signature_are_refused()
    {
        await using var vigil = await RunningVigil.StartAsync(cancellationToken: Ct);
        var key = await TestCredentials.AdminKeyAsync(vigil);
        using var past = KvsTestClient.For(vigil, key, clock: new Microsoft.Extensions.Time.Testing.FakeTimeProvider(TimeProvider.System.GetUtcNow().AddMinutes(-6)));
        using var future = KvsTestClient.For(vigil, key, clock: new Microsoft.Extensions.Time.Testing.FakeTimeProvider(TimeProvider.System.GetUtcNow().AddMinutes(6)));
        using var wrongSecret = KvsTestClient.For(vigil, new SigV4Credentials(key.AccessKeyId, "wrong-secret"));
        using var wrongRegion = KvsTestClient.For(vigil, key, region: "eu-west-1");
        using var good = KvsTestClient.For(vigil, key);

        var expired = await past.PostAsync("/listSignalingChannels", "{}", Ct);
        var notYet = await future.PostAsync("/listSignalingChannels", "{}", Ct);
        var mismatch = await wrongSecret.PostAsync("/listSignalingChannels", "{}", Ct);
        var region = await wrongRegion.PostAsync("/listSignalingChannels", "{}", Ct);
        var before = await good.PostAsync("/listSignalingChannels", "{}", Ct);
        await using (var scope = vigil.App.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<AccessKeyStore>().RevokeAsync(key.AccessKeyId, Ct);
        }

        var revoked = await good.PostAsync("/listSignalingChannels", "{}", Ct);

        Assert.Equal((403, "InvalidSignatureException"), (expired.Status, expired.ErrorType));
        Assert.Contains("Signature expired", expired.Message, StringComparison.Ordinal);
        Assert.Equal((403, "InvalidSignatureException"), (notYet.Status, notYet.ErrorType));
        Assert.Contains("Signature not yet current", notYet.Message, StringComparison.Ordinal);
        Assert.Equal((403, "InvalidSignatureException"), (mismatch.Status, mismatch.ErrorType));
        Assert.Equal(403, region.Status);
        Assert.Equal(200, before.Status);
        Assert.Equal((403, "UnrecognizedClientException"), (revoked.Status, revoked.ErrorType));
    }

    [Fact]
    public async Task Random_and_truncated_bodies_only_ever_get_typed_aws_errors()
    {
        await using var vigil = await RunningVigil.StartAsync(cancellationToken: Ct);
        using var kvs = KvsTestClient.For(vigil, await TestCredentials.AdminKeyAsync(vigil));
        const string valid = """{"ChannelName":"fuzz","ChannelType":"SINGLE_MASTER","SingleMasterConfiguration":{"MessageTtlSeconds":60},"Tags":[{"Key":"k","Value":"v"}]}""";
        var random = new Random(99);
        var bodies = Enumerable.Range(0, valid.Length).Select(n => valid[..n]).ToList();
        const string alphabet = "{}[]\":,0123456789-.eEtruefalsnl ChannelNameTagsKeyValue\\u\u00e9";
        for (var i = 0; i < 150; i++)
        {
            bodies.Add(new string([.. Enumerable.Range(0, random.Next(1, 120)).Select(_ => alphabet[random.Next(alphabet.Length)])]));
        }

        foreach (var path in new[] { "/createSignalingChannel", "/listSignalingChannels", "/getSignalingChannelEndpoint", "/TagResource" })
        {
            foreach (var body in bodies)
            {
                var response = await kvs.PostAsync(path, body, Ct);

                Assert.True(response.Status is 200 or 400 or 404, $"{path} {body} → {response.Status} {response.Text}");
                if (response.Status != 200)
                {
                    Assert.NotNull(response.ErrorType);
                    Assert.NotNull(response.Message);
                }
            }
        }

        var oversized = await kvs.PostAsync("/createSignalingChannel", "{\"ChannelName\":\"" + new string('a', 70_000) + "\"}", Ct);
        Assert.Equal(("InvalidArgumentException", 400), (oversized.ErrorType, oversized.Status));
    }

    private static async Task<RawHttpResponse> CSdkPostAsync(RunningVigil vigil, SigV4Credentials credentials, string path, string body)
    {
        var host = $"localhost:{vigil.Https.Port}";
        var bytes = Encoding.UTF8.GetBytes(body);
        // The C SDK signs host, user-agent and x-amz-date, and sends the token unsigned.
        var signer = new SigV4Signer(new SigV4SignerOptions { SignSessionToken = false });
        var signature = signer.Sign(new SigV4SigningRequest
        {
            Method = "POST",
            Path = path,
            Headers = new SigV4HeaderCollection { { "host", host }, { "user-agent", "AWS-SDK-KVS/1.0 GCC/12 Linux/6 x86_64" } },
            Body = bytes,
        }, credentials, "us-east-1", "kinesisvideo", TimeProvider.System.GetUtcNow());
        var head = $"POST {path} HTTP/1.1\r\nHost: {host}\r\nAccept: */*\r\nAuthorization: {signature.Authorization}\r\nuser-agent: AWS-SDK-KVS/1.0 GCC/12 Linux/6 x86_64\r\n" +
                   $"X-Amz-Date: {signature.AmzDate}\r\nx-amz-security-token: {credentials.SessionToken}\r\ncontent-type: application/json\r\ncontent-length: {bytes.Length}\r\n\r\n";
        await using var connection = await RawTlsConnection.OpenAsync(vigil.Https, vigil.RootCertificate, Ct);
        await connection.WriteAsync(Encoding.ASCII.GetBytes(head).Concat(bytes).ToArray(), Ct);
        return await connection.ReadResponseAsync(Ct);
    }
}
