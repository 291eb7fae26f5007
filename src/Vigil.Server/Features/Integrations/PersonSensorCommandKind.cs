namespace Vigil.Server.Features.Integrations;

internal enum PersonSensorCommandKind
{
    /// <summary>A picture of this camera had a person in it.</summary>
    Detected,

    /// <summary>The camera exists: publish OFF unless a state is already known.</summary>
    Ensure,

    /// <summary>The camera was deleted: remove its retained state.</summary>
    Forget,
}
