using System.Buffers;
using System.Text.RegularExpressions;

namespace PecLists.Uploader.Extraction;

/// <summary>
/// <c>truncate</c>: a date or time cut to its <c>unit</c> (year, month, day, hour) as PostgreSQL prints it (ISO:
/// <c>yyyy-mm-dd</c>, <c>yyyy-mm-dd hh:mm:ss[.ffffff][+hh[:mm]]</c>, <c>hh:mm:ss</c>; a 'T' between date and time is
/// kept too). A birth date to its month becomes <c>yyyy-mm-01</c>; a timestamp keeps its time zone offset and becomes
/// <c>yyyy-mm-01 00:00:00+hh</c>; fractions of a second go. The cut is of the clock reading as written, in its own
/// offset. A date has no hour, so "hour" leaves it whole; a time of day has no year, month or day, so only "hour"
/// cuts it. <c>infinity</c> stays; anything else that is not a date is refused (<see cref="MaskFailure.NotADate"/>):
/// a value the mask does not understand is never sent as it came.
/// </summary>
public sealed partial class TruncateMask : ColumnMask
{
    private readonly Unit _unit;

    public TruncateMask(string column, string unit)
        : base(column)
    {
        _unit = unit switch
        {
            "year" => Unit.Year,
            "month" => Unit.Month,
            "day" => Unit.Day,
            "hour" => Unit.Hour,
            _ => throw new ArgumentException($"unknown truncate unit '{unit}'", nameof(unit)),
        };
    }

    private enum Unit
    {
        Year,
        Month,
        Day,
        Hour,
    }

    public override bool Apply(ReadOnlySpan<char> value, ArrayBufferWriter<char> output)
    {
        if (value.IsEmpty || value is "infinity" or "-infinity")
        {
            output.Write(value);
            return true;
        }

        if (!Timestamp().IsMatch(value))
        {
            throw new MaskingException(Column, MaskFailure.NotADate);
        }

        var date = DateLength(value);
        if (date > 0)
        {
            WriteDate(value[..date], output);
            if (date < value.Length && value[date] is ' ' or 'T' && TimeLength(value[(date + 1)..]) is > 0 and var time)
            {
                output.Write(value.Slice(date, 1));
                WriteTime(value.Slice(date + 1, time), output);
                output.Write(value[(date + 1 + time)..]);
            }
            else
            {
                output.Write(value[date..]);
            }

            return true;
        }

        if (_unit != Unit.Hour)
        {
            throw new MaskingException(Column, MaskFailure.NotADate); // a time of day has no year, month or day to keep
        }

        var timeOnly = TimeLength(value);
        WriteTime(value[..timeOnly], output);
        output.Write(value[timeOnly..]);
        return true;
    }

    /// <summary>yyyy-mm-dd (a year of 4 digits or more) at the start of <paramref name="value"/>: its length, or 0.</summary>
    private static int DateLength(ReadOnlySpan<char> value)
    {
        var year = 0;
        while (year < value.Length && char.IsAsciiDigit(value[year]))
        {
            year++;
        }

        return year >= 4 && value.Length >= year + 6 && value[year] == '-' && value[year + 3] == '-' ? year + 6 : 0;
    }

    /// <summary>hh:mm[:ss[.f…]] at the start of <paramref name="value"/>: its length.</summary>
    private static int TimeLength(ReadOnlySpan<char> value)
    {
        if (value.Length < 5 || value[2] != ':')
        {
            return 0;
        }

        var length = 5;
        if (value.Length >= 8 && value[5] == ':')
        {
            length = 8;
            if (value.Length > 8 && value[8] == '.')
            {
                length = 9;
                while (length < value.Length && char.IsAsciiDigit(value[length]))
                {
                    length++;
                }
            }
        }

        return length;
    }

    private void WriteDate(ReadOnlySpan<char> date, ArrayBufferWriter<char> output)
    {
        var year = date[..^6];
        output.Write(year);
        output.Write(_unit == Unit.Year ? "-01" : date[^6..^3]);
        output.Write(_unit is Unit.Year or Unit.Month ? "-01" : date[^3..]);
    }

    private void WriteTime(ReadOnlySpan<char> time, ArrayBufferWriter<char> output)
    {
        output.Write(_unit == Unit.Hour ? time[..2] : "00");
        output.Write(":00:00");
    }

    /// <summary>
    /// What PostgreSQL's ISO output of date, timestamp[tz] and time[tz] looks like (with 'T' as JSON writes it): the
    /// only shapes cut; a value of any other shape is refused, so nothing that merely starts like a date passes.
    /// </summary>
    [GeneratedRegex(@"^(?:\d{4,}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?|\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(?:Z|[+-]\d{2}(?::?\d{2}(?::?\d{2})?)?)?(?: BC)?$")]
    private static partial Regex Timestamp();
}
