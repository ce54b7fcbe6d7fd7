namespace SyntheticPec;

/// <summary>
/// Generators and validators for Brazilian personal documents: CPF (11 digits, two mod-11 check
/// digits) and CNS (Cartão Nacional de Saúde, 15 digits; definitive numbers start with 1 or 2,
/// provisional ones with 7, 8 or 9; the weighted sum of all 15 digits with weights 15..1 is a
/// multiple of 11).
/// </summary>
public static class BrazilianDocuments
{
    /// <summary>A random CPF with valid check digits (never one of the all-same-digit numbers).</summary>
    public static string Cpf(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        Span<char> digits = stackalloc char[11];
        while (true)
        {
            for (var i = 0; i < 9; i++)
            {
                digits[i] = (char)('0' + random.Next(10));
            }

            if (AllSame(digits[..9]))
            {
                continue;
            }

            digits[9] = (char)('0' + CpfCheckDigit(digits[..9]));
            digits[10] = (char)('0' + CpfCheckDigit(digits[..10]));
            return new string(digits);
        }
    }

    /// <summary>True when <paramref name="cpf"/> is exactly 11 digits with valid check digits.</summary>
    public static bool IsValidCpf(string? cpf)
    {
        if (cpf is null || cpf.Length != 11 || !AllDigits(cpf) || AllSame(cpf))
        {
            return false;
        }

        return cpf[9] - '0' == CpfCheckDigit(cpf.AsSpan(0, 9))
            && cpf[10] - '0' == CpfCheckDigit(cpf.AsSpan(0, 10));
    }

    /// <summary>
    /// A random CNS: about 70% definitive (starting with 1 or 2, built from an 11-digit PIS-like
    /// prefix as the Ministry of Health algorithm does) and 30% provisional (starting with 7, 8 or 9).
    /// </summary>
    public static string Cns(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        return random.Next(10) < 7 ? DefinitiveCns(random) : ProvisionalCns(random);
    }

    /// <summary>A random definitive CNS (first digit 1 or 2).</summary>
    public static string DefinitiveCns(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        Span<char> digits = stackalloc char[15];
        digits[0] = (char)('1' + random.Next(2));
        for (var i = 1; i < 11; i++)
        {
            digits[i] = (char)('0' + random.Next(10));
        }

        var sum = 0;
        for (var i = 0; i < 11; i++)
        {
            sum += (digits[i] - '0') * (15 - i);
        }

        var dv = 11 - (sum % 11);
        if (dv == 11)
        {
            dv = 0;
        }

        if (dv == 10)
        {
            sum += 2;
            dv = 11 - (sum % 11);
            if (dv == 11)
            {
                dv = 0;
            }

            "001".AsSpan().CopyTo(digits[11..]);
        }
        else
        {
            "000".AsSpan().CopyTo(digits[11..]);
        }

        digits[14] = (char)('0' + dv);
        return new string(digits);
    }

    /// <summary>A random provisional CNS (first digit 7, 8 or 9).</summary>
    public static string ProvisionalCns(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        Span<char> digits = stackalloc char[15];
        while (true)
        {
            digits[0] = (char)('7' + random.Next(3));
            var sum = (digits[0] - '0') * 15;
            for (var i = 1; i < 14; i++)
            {
                digits[i] = (char)('0' + random.Next(10));
                sum += (digits[i] - '0') * (15 - i);
            }

            // The last digit has weight 1, so it must bring the sum to a multiple of 11.
            var last = (11 - (sum % 11)) % 11;
            if (last == 10)
            {
                continue;
            }

            digits[14] = (char)('0' + last);
            return new string(digits);
        }
    }

    /// <summary>
    /// True when <paramref name="cns"/> is a valid CNS: 15 digits, first digit 1, 2, 7, 8 or 9, and
    /// the weighted sum (weights 15 down to 1) divisible by 11. Definitive numbers (1 or 2) must also
    /// have "000" or "001" in positions 12–14, as the generation algorithm produces.
    /// </summary>
    public static bool IsValidCns(string? cns)
    {
        if (cns is null || cns.Length != 15 || !AllDigits(cns))
        {
            return false;
        }

        var first = cns[0];
        if (first is '1' or '2')
        {
            if (cns[11] != '0' || cns[12] != '0' || cns[13] is not ('0' or '1'))
            {
                return false;
            }
        }
        else if (first is not ('7' or '8' or '9'))
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < 15; i++)
        {
            sum += (cns[i] - '0') * (15 - i);
        }

        return sum % 11 == 0;
    }

    private static int CpfCheckDigit(ReadOnlySpan<char> digits)
    {
        var weight = digits.Length + 1;
        var sum = 0;
        foreach (var c in digits)
        {
            sum += (c - '0') * weight--;
        }

        var rest = sum % 11;
        return rest < 2 ? 0 : 11 - rest;
    }

    private static bool AllDigits(ReadOnlySpan<char> value)
    {
        foreach (var c in value)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return true;
    }

    private static bool AllSame(ReadOnlySpan<char> value)
    {
        foreach (var c in value)
        {
            if (c != value[0])
            {
                return false;
            }
        }

        return true;
    }
}
