using System.Text;

namespace PecLists.Functions.Tests.Infrastructure;

/// <summary>Random valid UTF-8 rich in 2-, 3- and 4-byte characters, and a stream that answers reads in random small pieces.</summary>
public static class RandomText
{
    private const string Portuguese = "ãçéíóúâêôõÃÇÉ\n,";

    public static byte[] Utf8(Random random, int characters)
    {
        var text = new StringBuilder(characters * 2);
        for (var i = 0; i < characters; i++)
        {
            var rune = random.Next(5) switch
            {
                0 => new Rune(random.Next(0x20, 0x7F)),
                1 => new Rune(Portuguese[random.Next(Portuguese.Length)]),
                2 => new Rune(random.Next(0x80, 0x800)),
                3 => RandomBmp(random),
                _ => new Rune(random.Next(0x10000, 0x110000)),
            };
            text.Append(rune.ToString());
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static Rune RandomBmp(Random random)
    {
        while (true)
        {
            var value = random.Next(0x800, 0x10000);
            if (Rune.IsValid(value))
            {
                return new Rune(value); // not a surrogate
            }
        }
    }
}

/// <summary>Reads of 1..maxChunk bytes at random, so every layer above sees its boundaries move.</summary>
public sealed class ChunkyStream(byte[] data, Random random, int maxChunk) : Stream
{
    private int _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = Math.Min(Math.Min(buffer.Length, random.Next(1, maxChunk + 1)), data.Length - _position);
        data.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
