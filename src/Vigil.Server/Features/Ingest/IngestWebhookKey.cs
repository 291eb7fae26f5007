using System.Security.Cryptography;
using System.Text;
using Vigil.Server.Features.Cameras;
using Vigil.Server.Hosting;
using Vigil.Shared;

namespace Vigil.Server.Features.Ingest;

/// <summary>
/// The secret in the inbound-parse webhook's URL (<c>/api/ingest/sendgrid/&lt;secret&gt;</c>), kept in
/// <c>&lt;data&gt;/keys/ingest-webhook.key</c> (0600) and created on first start.
/// </summary>
internal sealed class IngestWebhookKey(DataDirectory data) : IDataInitializer
{
    public const string KeyFile = "ingest-webhook.key";

    private string? _secret;

    public int Order => 60;

    public string Secret => _secret ?? throw new InvalidOperationException("The webhook key is not loaded.");

    public Task InitializeAsync(CancellationToken cancellationToken)
    {
        if (_secret is not null)
        {
            return Task.CompletedTask;
        }

        var path = Path.Combine(data.Subdirectory("keys"), KeyFile);
        if (File.Exists(path))
        {
            var text = File.ReadAllText(path).Trim();
            if (text.Length < 20 || !text.All(char.IsAsciiLetterOrDigit))
            {
                throw new StartupException($"{path} is not a webhook key (20 or more letters and digits); delete it to get a new one (the webhook URL changes)");
            }

            _secret = text;
        }
        else
        {
            _secret = CameraRules.NewSecret();
            DurableFile.Write(path, _secret + "\n", DurableFile.OwnerOnly);
        }

        return Task.CompletedTask;
    }

    public bool Matches(string candidate) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(candidate)), SHA256.HashData(Encoding.UTF8.GetBytes(Secret)));
}
