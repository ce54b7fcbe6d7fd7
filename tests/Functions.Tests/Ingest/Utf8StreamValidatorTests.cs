using System.Text;
using PecLists.Functions.Ingest;
using PecLists.Functions.Tests.Infrastructure;

namespace PecLists.Functions.Tests.Ingest;

/// <summary>
/// Property tests (seeded, so a failure replays): where the pieces are cut must never change the verdict, and one bad
/// byte anywhere must be refused — through the validator alone and through gzip read in random small chunks.
/// </summary>
public sealed class Utf8StreamValidatorTests
{
    private static readonly byte[][] BadInsertions =
    [
        [0x80],             // a lone continuation byte
        [0xBF],
        [0xC0, 0x80],       // overlong NUL
        [0xC1, 0xBF],       // overlong ASCII
        [0xE0, 0x80, 0x80], // overlong 3-byte
        [0xF0, 0x80, 0x80, 0x80], // overlong 4-byte
        [0xED, 0xA0, 0x80], // a UTF-16 surrogate (U+D800)
        [0xED, 0xBF, 0xBF], // U+DFFF
        [0xF4, 0x90, 0x80, 0x80], // above U+10FFFF
        [0xF5], [0xFF], [0xFE],
        [0xC3],             // a lead byte without its continuation
        [0xE2, 0x82],       // a 3-byte sequence cut short
        [0xF0, 0x9F, 0x98], // a 4-byte sequence cut short
    ];

    private static bool Validate(byte[] bytes, Random random, int maxPiece)
    {
        var validator = new Utf8StreamValidator();
        var at = 0;
        var ok = true;
        while (at < bytes.Length)
        {
            var n = Math.Min(random.Next(0, maxPiece + 1), bytes.Length - at); // empty pieces too
            ok &= validator.Append(bytes.AsSpan(at, n));
            at += n;
        }

        return ok && validator.Complete();
    }

    /// <summary>Inserts a bad sequence at a random character boundary (or anywhere, for the lone continuation bytes).</summary>
    private static byte[] Spoil(byte[] valid, Random random)
    {
        var bad = BadInsertions[random.Next(BadInsertions.Length)];
        var at = random.Next(valid.Length + 1);
        while (at < valid.Length && (valid[at] & 0xC0) == 0x80)
        {
            at++; // to a boundary: inside a character most insertions would be refused for another reason
        }

        return [.. valid.AsSpan(0, at), .. bad, .. valid.AsSpan(at)];
    }

    [Fact]
    public void Valid_text_is_accepted_whatever_the_cut_points()
    {
        var random = new Random(20261126);
        for (var i = 0; i < 3000; i++)
        {
            var bytes = RandomText.Utf8(random, random.Next(0, 200));
            Assert.True(Validate(bytes, random, random.Next(1, 9)), $"iteration {i}");
        }
    }

    [Fact]
    public void One_bad_sequence_anywhere_is_refused_whatever_the_cut_points()
    {
        var random = new Random(7);
        for (var i = 0; i < 3000; i++)
        {
            var bytes = Spoil(RandomText.Utf8(random, random.Next(0, 200)), random);
            Assert.False(System.Text.Unicode.Utf8.IsValid(bytes), $"iteration {i}: the spoiled text must be invalid");
            Assert.False(Validate(bytes, random, random.Next(1, 9)), $"iteration {i}");
        }
    }

    [Fact]
    public void Agrees_with_the_whole_buffer_check_on_random_bytes()
    {
        var random = new Random(42);
        for (var i = 0; i < 5000; i++)
        {
            var bytes = RandomText.Utf8(random, random.Next(0, 40));
            for (var flips = random.Next(0, 3); flips > 0 && bytes.Length > 0; flips--)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(0x80, 0x100);
            }

            Assert.Equal(System.Text.Unicode.Utf8.IsValid(bytes), Validate(bytes, random, random.Next(1, 6)));
        }
    }

    [Theory]
    [InlineData(new byte[] { 0xC3 })]
    [InlineData(new byte[] { 0x61, 0xE2, 0x82 })]
    [InlineData(new byte[] { 0x61, 0xF0, 0x9F, 0x98 })]
    public void A_character_cut_at_the_very_end_is_refused(byte[] bytes)
    {
        var validator = new Utf8StreamValidator();

        Assert.True(validator.Append(bytes));
        Assert.False(validator.Complete());
    }

    [Fact]
    public async Task Gzip_read_in_random_small_chunks_accepts_valid_text_and_refuses_one_bad_sequence()
    {
        var random = new Random(1234);
        for (var i = 0; i < 300; i++)
        {
            var text = RandomText.Utf8(random, random.Next(1, 3000));
            var spoil = i % 2 == 1;
            var body = spoil ? Spoil(text, random) : text;
            var gzip = Csv.Gzip([.. Encoding.UTF8.GetBytes(Csv.TestHeader + "\n"), .. body]);

            var result = await SnapshotBodyCheck.CheckAsync(new ChunkyStream(gzip, random, random.Next(1, 64)), Csv.TestHeader, 10_000_000, CancellationToken.None);

            Assert.True(spoil ? result.Verdict == BodyVerdict.BadEncoding : result.Verdict == BodyVerdict.Ok, $"iteration {i}: {result.Verdict}");
        }
    }

    [Fact]
    public async Task Gzip_ending_inside_a_character_is_refused()
    {
        var text = Encoding.UTF8.GetBytes(Csv.Rows("1,João,2001-02-03,t,1") + "ã");

        var result = await SnapshotBodyCheck.CheckAsync(new MemoryStream(Csv.Gzip(text[..^1])), Csv.TestHeader, 1_000_000, CancellationToken.None);

        Assert.Equal(BodyVerdict.BadEncoding, result.Verdict);
    }
}
