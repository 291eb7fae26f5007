using Microsoft.EntityFrameworkCore;
using Vigil.Server.Storage;

namespace Vigil.Server.Features.Devices;

/// <summary>
/// Imports checked registry rows in one transaction: all or nothing. A row identical to what is
/// stored (same serial, same secret, same model) is "unchanged", so re-importing a file is
/// harmless; a row whose serial exists with another secret or model is a conflict, and any
/// conflict imports nothing.
/// </summary>
internal sealed partial class RegistryImporter(VigilDbContext db, DeviceSecretHasher hasher, TimeProvider time, ILogger<RegistryImporter> logger)
{
    // Keeps the IN (...) lists of the lookup well below every provider's parameter limit.
    private const int LookupChunk = 500;

    public async Task<RegistryImportResult> ImportAsync(IReadOnlyList<RegistryRow> rows, string source, bool dryRun, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await ImportOnceAsync(rows, source, dryRun, cancellationToken);
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                // Another import added some of these serials between our lookup and our insert;
                // the next attempt sees them and classifies them as unchanged or conflicting.
                db.ChangeTracker.Clear();
            }
        }
    }

    private async Task<RegistryImportResult> ImportOnceAsync(IReadOnlyList<RegistryRow> rows, string source, bool dryRun, CancellationToken cancellationToken)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var existing = await LoadExistingAsync(rows, ct);

            var now = time.GetUtcNow();
            var importId = Guid.CreateVersion7(now);
            var added = new List<RegistryEntry>();
            var unchanged = 0;
            var conflicts = new List<RegistryProblem>();
            foreach (var row in rows)
            {
                if (!existing.TryGetValue(row.Serial, out var stored))
                {
                    added.Add(new RegistryEntry
                    {
                        Serial = row.Serial,
                        SecretHash = hasher.Hash(row.Serial, row.Secret),
                        Model = row.Model,
                        ImportId = importId,
                        CreatedAt = now,
                    });
                }
                else if (!hasher.Verify(row.Serial, row.Secret, stored.SecretHash))
                {
                    conflicts.Add(new RegistryProblem(row.Line, $"serial {row.Serial} is already registered with a different secret"));
                }
                else if (stored.Model != row.Model)
                {
                    conflicts.Add(new RegistryProblem(row.Line, $"serial {row.Serial} is already registered as model '{stored.Model}', not '{row.Model}'"));
                }
                else
                {
                    unchanged++;
                }
            }

            if (conflicts.Count > 0 || dryRun || added.Count == 0)
            {
                await transaction.RollbackAsync(ct);
                return new RegistryImportResult(added.Count, unchanged, conflicts, null, Committed: false);
            }

            db.RegistryImports.Add(new RegistryImport { Id = importId, Source = Truncate(source, 1024), ImportedAt = now, Added = added.Count, Unchanged = unchanged });
            db.RegistryEntries.AddRange(added);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            db.ChangeTracker.Clear();
            Log.Imported(logger, importId, added.Count, unchanged);
            return new RegistryImportResult(added.Count, unchanged, conflicts, importId, Committed: true);
        }, cancellationToken);
    }

    private async Task<Dictionary<string, RegistryEntry>> LoadExistingAsync(IReadOnlyList<RegistryRow> rows, CancellationToken cancellationToken)
    {
        var existing = new Dictionary<string, RegistryEntry>(StringComparer.Ordinal);
        foreach (var chunk in rows.Select(r => r.Serial).Chunk(LookupChunk))
        {
            var found = await db.RegistryEntries.AsNoTracking().Where(e => chunk.Contains(e.Serial)).ToListAsync(cancellationToken);
            foreach (var entry in found)
            {
                existing[entry.Serial] = entry;
            }
        }

        return existing;
    }

    private static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];

    private static partial class Log
    {
        [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "Registry import {ImportId}: {Added} added, {Unchanged} unchanged")]
        public static partial void Imported(ILogger logger, Guid importId, int added, int unchanged);
    }
}
