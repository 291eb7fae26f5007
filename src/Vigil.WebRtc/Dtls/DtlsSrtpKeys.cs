using Vigil.WebRtc.Srtp;

namespace Vigil.WebRtc.Dtls;

/// SRTP master keys exported from DTLS (RFC 5764 §4.2): the exporter output is
/// client_write_key ‖ server_write_key ‖ client_write_salt ‖ server_write_salt.
/// The camera is the DTLS client, so it protects with the client half and verifies the
/// browser's SRTCP with the server half.
internal sealed record DtlsSrtpKeys(SrtpProfile Profile, byte[] ClientKey, byte[] ClientSalt, byte[] ServerKey, byte[] ServerSalt)
{
    public static DtlsSrtpKeys Split(SrtpProfile profile, ReadOnlySpan<byte> material)
    {
        var keyLength = SrtpProfileInfo.MasterKeyLength(profile);
        var saltLength = SrtpProfileInfo.MasterSaltLength(profile);
        if (material.Length != 2 * (keyLength + saltLength))
        {
            throw new ArgumentException("Keying material has the wrong length for the profile.", nameof(material));
        }

        return new DtlsSrtpKeys(
            profile,
            material[..keyLength].ToArray(),
            material.Slice(2 * keyLength, saltLength).ToArray(),
            material.Slice(keyLength, keyLength).ToArray(),
            material.Slice((2 * keyLength) + saltLength, saltLength).ToArray());
    }

    public SrtpContext CreateClientContext() => new(Profile, ClientKey, ClientSalt);

    public SrtpContext CreateServerContext() => new(Profile, ServerKey, ServerSalt);
}
