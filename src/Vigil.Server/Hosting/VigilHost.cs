using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging.Console;

namespace Vigil.Server.Hosting;

/// <summary>
/// Builds the two kinds of process Vigil runs: the web server (<c>vigil serve</c>) and the
/// short-lived host behind every other command. Both read configuration the same way:
/// <c>appsettings.json</c> beside the binary, then the settings file (<c>&lt;data&gt;/vigil.json</c>,
/// or <c>$VIGIL_CONFIG</c>), then <c>VIGIL__Section__Key</c> environment variables, then (tests
/// only) explicit overrides.
/// </summary>
internal static class VigilHost
{
    public const string EnvironmentPrefix = "VIGIL__";

    /// <summary>
    /// Names the settings file instead of <c>&lt;data&gt;/vigil.json</c>: an installed server keeps its
    /// configuration in <c>/etc/vigil</c>, apart from the data it backs up and the service user
    /// writes (deploy/install.sh sets it in the unit and in the <c>vigil</c> wrapper).
    /// </summary>
    public const string SettingsFileVariable = "VIGIL_CONFIG";

    public static WebApplication BuildWebApplication(DataDirectory data, IEnumerable<KeyValuePair<string, string?>>? overrides = null, Action<IServiceCollection>? extraServices = null)
    {
        data.EnsureUsable();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
            ApplicationName = typeof(VigilHost).Assembly.GetName().Name,
        });
        ConfigureConfiguration(builder.Configuration, data, overrides);
        ConfigureLogging(builder.Logging, builder.Configuration, forCommand: false);
        Program.AddCoreServices(builder.Services, data);
        Program.AddWebFeatures(builder);
        extraServices?.Invoke(builder.Services);
        var app = builder.Build();
        Program.MapFeatures(app);
        return app;
    }

    public static IHost BuildCommandHost(DataDirectory data, IEnumerable<KeyValuePair<string, string?>>? overrides = null)
    {
        data.EnsureUsable();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = AppContext.BaseDirectory,
            ApplicationName = typeof(VigilHost).Assembly.GetName().Name,
        });
        ConfigureConfiguration(builder.Configuration, data, overrides);
        ConfigureLogging(builder.Logging, builder.Configuration, forCommand: true);
        Program.AddCoreServices(builder.Services, data);
        return builder.Build();
    }

    /// <summary>
    /// Starts the web server: validates every option, prepares the data directory and database,
    /// then binds the listeners. Failures an operator can fix surface as <see cref="StartupException"/>.
    /// </summary>
    public static async Task StartAsync(WebApplication app, CancellationToken cancellationToken)
    {
        ValidateOptions(app.Services);
        var server = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ServerOptions>>().Value;
        PortProbe.EnsureFree(server.ListenAddress, server.HttpPort, "Server:HttpPort");
        PortProbe.EnsureFree(server.ListenAddress, server.HttpsPort, "Server:HttpsPort");
        await app.Services.GetRequiredService<VigilInitializer>().InitializeAsync(cancellationToken);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException e) when (e.InnerException is AddressInUseException || e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
        {
            throw new StartupException($"{e.Message.TrimEnd('.')} (change Server:HttpPort or Server:HttpsPort, or stop the other program)", e);
        }
        catch (IOException e) when (e.Message.StartsWith("Failed to bind", StringComparison.Ordinal))
        {
            throw new StartupException($"{e.Message.TrimEnd('.')} (check Server:ListenAddress)", e);
        }
    }

    /// <summary>Runs every options validator now, so configuration errors appear before anything else happens.</summary>
    public static void ValidateOptions(IServiceProvider services) =>
        services.GetService<Microsoft.Extensions.Options.IStartupValidator>()?.Validate();

    public static void ConfigureConfiguration(IConfigurationManager configuration, DataDirectory data, IEnumerable<KeyValuePair<string, string?>>? overrides)
    {
        configuration.Sources.Clear();
        configuration.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true, reloadOnChange: false);
        var settingsFile = Environment.GetEnvironmentVariable(SettingsFileVariable) is { Length: > 0 } file ? Path.GetFullPath(file) : data.PathOf("vigil.json");
        configuration.AddJsonFile(settingsFile, optional: true, reloadOnChange: false);
        configuration.AddEnvironmentVariables(EnvironmentPrefix);
        if (overrides is not null)
        {
            configuration.AddInMemoryCollection(overrides);
        }
    }

    private static void ConfigureLogging(ILoggingBuilder logging, ConfigurationManager configuration, bool forCommand)
    {
        logging.ClearProviders();
        if (!forCommand)
        {
            logging.AddConfiguration(configuration.GetSection("Logging"));
        }

        // Vigil reports database connection failures itself, in one line without secrets.
        logging.AddFilter("Microsoft.EntityFrameworkCore.Database.Connection", LogLevel.Critical);
        // Failed saves surface as exceptions that the caller handles (a retried race) or the
        // exception handler logs; EF's own copy of the same exception is noise.
        logging.AddFilter("Microsoft.EntityFrameworkCore.Update", LogLevel.Critical);
        var format = Enum.TryParse<LogFormat>(configuration["Server:LogFormat"], ignoreCase: true, out var f) ? f : LogFormat.Auto;
        var json = format == LogFormat.Json || (format == LogFormat.Auto && Console.IsOutputRedirected);
        if (json)
        {
            logging.AddJsonConsole(o =>
            {
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }
        else
        {
            logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss ";
                o.ColorBehavior = LoggerColorBehavior.Default;
            });
        }

        if (forCommand)
        {
            // Commands print their results on standard output; logs go to standard error and
            // only when something is wrong.
            logging.SetMinimumLevel(LogLevel.Warning);
            logging.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        }
    }
}
