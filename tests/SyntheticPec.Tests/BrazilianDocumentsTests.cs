using SyntheticPec;

namespace SyntheticPec.Tests;

public class BrazilianDocumentsTests
{
    [Theory]
    [InlineData("52998224725")]
    [InlineData("11144477735")]
    [InlineData("00000000191")]
    public void IsValidCpf_accepts_known_valid_numbers(string cpf) => Assert.True(BrazilianDocuments.IsValidCpf(cpf));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("52998224724")] // wrong second check digit
    [InlineData("52998224715")] // wrong first check digit
    [InlineData("5299822472")] // 10 digits
    [InlineData("529982247250")] // 12 digits
    [InlineData("529.982.247-25")] // formatted
    [InlineData("11111111111")] // all same digits pass the arithmetic but are not issued
    [InlineData("00000000000")]
    [InlineData("5299822472a")]
    public void IsValidCpf_rejects_invalid_numbers(string? cpf) => Assert.False(BrazilianDocuments.IsValidCpf(cpf));

    [Fact]
    public void Cpf_generates_valid_eleven_digit_numbers()
    {
        var random = new Random(1);
        for (var i = 0; i < 5_000; i++)
        {
            var cpf = BrazilianDocuments.Cpf(random);
            Assert.Equal(11, cpf.Length);
            Assert.True(BrazilianDocuments.IsValidCpf(cpf), cpf);
        }
    }

    [Fact]
    public void Cpf_detects_every_single_digit_change()
    {
        var cpf = BrazilianDocuments.Cpf(new Random(2));
        for (var position = 0; position < cpf.Length; position++)
        {
            var chars = cpf.ToCharArray();
            chars[position] = (char)('0' + ((chars[position] - '0' + 1) % 10));
            Assert.False(BrazilianDocuments.IsValidCpf(new string(chars)), new string(chars));
        }
    }

    [Theory]
    [InlineData("100000000000007")] // definitive, by hand: 1*15 = 15, 15 mod 11 = 4, dv = 11 - 4 = 7
    [InlineData("200000000000003")] // definitive: 2*15 = 30, 30 mod 11 = 8, dv = 3
    [InlineData("298765432100018")] // definitive whose first dv would be 10: "001" block, then dv = 8
    [InlineData("700000000000005")] // provisional: 7*15 + 5 = 110 = 11*10
    [InlineData("800000000000001")] // provisional: 8*15 + 1 = 121 = 11*11
    [InlineData("900000000000008")] // provisional: 9*15 + 8 = 143 = 11*13
    public void IsValidCns_accepts_known_valid_numbers(string cns) => Assert.True(BrazilianDocuments.IsValidCns(cns));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("10000000000000")] // 14 digits
    [InlineData("1000000000000070")] // 16 digits
    [InlineData("100000000000008")] // wrong check digit
    [InlineData("300000000000003")] // first digit 3 is never issued
    [InlineData("600000000000000")] // first digit 6 is never issued
    [InlineData("100000000000107")] // definitive with an impossible "01x" block
    [InlineData("70000000000000a")]
    public void IsValidCns_rejects_invalid_numbers(string? cns) => Assert.False(BrazilianDocuments.IsValidCns(cns));

    [Fact]
    public void Cns_generates_valid_definitive_and_provisional_numbers()
    {
        var random = new Random(3);
        var firstDigits = new HashSet<char>();
        for (var i = 0; i < 5_000; i++)
        {
            var cns = BrazilianDocuments.Cns(random);
            Assert.Equal(15, cns.Length);
            Assert.True(BrazilianDocuments.IsValidCns(cns), cns);
            firstDigits.Add(cns[0]);
        }

        Assert.Equal(new HashSet<char> { '1', '2', '7', '8', '9' }, firstDigits);
    }

    [Fact]
    public void DefinitiveCns_uses_the_001_block_when_the_first_check_digit_would_be_10()
    {
        var random = new Random(4);
        var seen000 = false;
        var seen001 = false;
        for (var i = 0; i < 5_000 && !(seen000 && seen001); i++)
        {
            var cns = BrazilianDocuments.DefinitiveCns(random);
            Assert.True(cns[0] is '1' or '2', cns);
            Assert.True(BrazilianDocuments.IsValidCns(cns), cns);
            seen000 |= cns.AsSpan(11, 3).SequenceEqual("000");
            seen001 |= cns.AsSpan(11, 3).SequenceEqual("001");
        }

        Assert.True(seen000);
        Assert.True(seen001);
    }

    [Fact]
    public void ProvisionalCns_starts_with_7_8_or_9()
    {
        var random = new Random(5);
        for (var i = 0; i < 2_000; i++)
        {
            var cns = BrazilianDocuments.ProvisionalCns(random);
            Assert.True(cns[0] is '7' or '8' or '9', cns);
            Assert.True(BrazilianDocuments.IsValidCns(cns), cns);
        }
    }

    [Fact]
    public void Cns_detects_single_digit_changes_except_where_the_weight_is_11()
    {
        // Weights run 15..1, so the 5th digit has weight 11 and the mod-11 sum cannot see it change.
        var cns = BrazilianDocuments.ProvisionalCns(new Random(6));
        for (var position = 0; position < cns.Length; position++)
        {
            if (position == 4)
            {
                continue;
            }

            var chars = cns.ToCharArray();
            chars[position] = (char)('0' + ((chars[position] - '0' + 1) % 10));
            Assert.False(BrazilianDocuments.IsValidCns(new string(chars)), new string(chars));
        }
    }

    [Fact]
    public void Documents_are_deterministic_for_a_seed()
    {
        static string[] Draw(int seed)
        {
            var random = new Random(seed);
            return [.. Enumerable.Range(0, 200).Select(i => i % 2 == 0 ? BrazilianDocuments.Cpf(random) : BrazilianDocuments.Cns(random))];
        }

        Assert.Equal(Draw(42), Draw(42));
        Assert.NotEqual(Draw(42), Draw(43));
    }
}
