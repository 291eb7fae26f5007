using System.ComponentModel.DataAnnotations;

namespace Vigil.Server.Storage;

/// <summary>Section <c>Storage</c>: which database holds Vigil's state.</summary>
internal sealed class StorageOptions : IValidatableObject
{
    public const string Section = "Storage";

    /// <summary><c>Sqlite</c> (default: <c>&lt;data&gt;/vigil.db</c>) or <c>Postgres</c>.</summary>
    public string Provider { get; set; } = nameof(StorageProvider.Sqlite);

    /// <summary>
    /// Required for Postgres (an Npgsql connection string). For SQLite it overrides the default
    /// database file.
    /// </summary>
    public string? ConnectionString { get; set; }

    public StorageProvider Kind =>
        Enum.TryParse<StorageProvider>(Provider, ignoreCase: true, out var kind) ? kind : throw new InvalidOperationException($"unknown provider {Provider}");

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Enum.TryParse<StorageProvider>(Provider, ignoreCase: true, out var kind) || !Enum.IsDefined(kind))
        {
            yield return new ValidationResult($"unknown provider '{Provider}'; use Sqlite or Postgres", [nameof(Provider)]);
            yield break;
        }

        if (kind == StorageProvider.Postgres && string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return new ValidationResult("is required when Storage:Provider is Postgres", [nameof(ConnectionString)]);
        }
    }
}
