using Microsoft.AspNetCore.DataProtection;

namespace Vigil.Server.Hosting;

/// <summary>
/// ASP.NET Core Data Protection: the authenticated encryption behind cookies, anti-forgery tokens
/// and the stateless session tokens of temporary credentials. The key ring lives in
/// <c>&lt;data&gt;/keys/data-protection/</c> (a private directory, like every other key, outside the
/// database, written by <see cref="DurableXmlRepository"/>), so every process on this data
/// directory (the server and CLI commands) reads what the others protected. In cluster mode the ring
/// is the cluster's, sealed in the database instead (<c>Features/Cluster/ClusterKeyRing.cs</c>).
/// </summary>
internal static class DataProtectionSetup
{
    public const string ApplicationName = "Vigil";

    public static IServiceCollection AddVigilDataProtection(this IServiceCollection services, DataDirectory data)
    {
        var directory = new DirectoryInfo(data.PathOf("keys", "data-protection"));
        services.AddDataProtection()
            .SetApplicationName(ApplicationName)
            .AddKeyManagementOptions(keys => keys.XmlRepository = new DurableXmlRepository(directory));
        services.AddSingleton<IDataInitializer>(new KeyDirectoryInitializer(data, directory));
        return services;
    }

    /// <summary>Creates the key directory private (0700) before Data Protection writes its first key there.</summary>
    private sealed class KeyDirectoryInitializer(DataDirectory data, DirectoryInfo directory) : IDataInitializer
    {
        public int Order => 10;

        public Task InitializeAsync(CancellationToken cancellationToken)
        {
            data.Subdirectory("keys");
            if (!Directory.Exists(directory.FullName))
            {
                Directory.CreateDirectory(directory.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            return Task.CompletedTask;
        }
    }
}
