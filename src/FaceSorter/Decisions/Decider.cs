using System.Globalization;

namespace FaceSorter.Decisions;

/// <summary>
/// The decision rules 0–8 of docs/contracts.md, "Decision rules" (with rule 1b, "Near duplicates", right
/// after rule 1), as one pure function: evaluated in order, first match wins.
/// </summary>
public static class Decider
{
    public static Decision Decide(DecisionInput input, DecisionRules rules)
    {
        if (input.InvalidReason is { } invalid)
        {
            return new Decision(SortReason.Invalid, null, invalid, 0, null);
        }

        if (input.DuplicateOf is { } earlier)
        {
            return new Decision(SortReason.Duplicate, null, earlier.Describe(), 0, null, earlier.EarlierPath);
        }

        if (input.NearCopyOf is { } near && rules.NearDuplicateMaxDistance > 0 && near.Distance <= rules.NearDuplicateMaxDistance)
        {
            return new Decision(SortReason.NearDuplicate, null, near.Describe(), 0, null, near.EarlierPath);
        }

        var faces = IgnoreSmallFaces(input.Faces, rules.MinFaceAreaRatio);
        if (faces.Count == 0)
        {
            return new Decision(SortReason.NoFace, null, "no face found", 0, null);
        }

        if (faces.Count > rules.MaxFacesPerImage)
        {
            return new Decision(SortReason.MultipleFaces, null, $"{faces.Count} faces (at most {rules.MaxFacesPerImage} allowed)", faces.Count, null);
        }

        var named = faces
            .Select(face => (Face: face, Person: PersonName.Sanitize(face.Person)))
            .Where(match => match.Person is not null)
            .ToList();

        var unwanted = named.FirstOrDefault(match => rules.Blacklist.Contains(match.Person!));
        if (unwanted.Person is not null)
        {
            return new Decision(SortReason.UnwantedPerson, unwanted.Person, $"{unwanted.Person} is blacklisted", faces.Count, unwanted.Face.Confidence);
        }

        if (named.Count == 0)
        {
            var hidden = faces.Select(face => face.HiddenPerson).FirstOrDefault(name => name is not null);
            var why = hidden is null
                ? "face matches no named person"
                : $"face matches no named person ({hidden} is hidden in Immich, and hidden people do not count)";
            return new Decision(SortReason.UnknownPerson, null, why, faces.Count, null);
        }

        var people = named.Select(match => match.Person!).Distinct(StringComparer.Ordinal).ToList();
        if (people.Count > 1)
        {
            return new Decision(SortReason.MultipleFaces, null, $"several people: {string.Join(", ", people)}", faces.Count, null);
        }

        var person = people[0];
        if (rules.Whitelist.Count > 0 && !rules.Whitelist.Contains(person))
        {
            return new Decision(SortReason.NotWhitelisted, person, $"{person} is not on the whitelist", faces.Count, BestConfidence(named));
        }

        var confidence = BestConfidence(named);
        var ambiguous = named.Select(match => match.Face.RunnerUp).FirstOrDefault(runnerUp => runnerUp is not null);
        if (ambiguous is not null)
        {
            return new Decision(SortReason.LowConfidence, person, $"ambiguous: {person} or {PersonName.Sanitize(ambiguous) ?? ambiguous}", faces.Count, confidence);
        }

        if (confidence is { } known && known < rules.MinConfidence)
        {
            return new Decision(SortReason.LowConfidence, person, $"{person} with confidence {Format(known)} < {Format(rules.MinConfidence)}", faces.Count, confidence);
        }

        var detail = confidence is { } value ? $"{person} with confidence {Format(value)}" : $"{person} (confidence unknown)";
        return new Decision(SortReason.Sorted, person, detail, faces.Count, confidence);
    }

    /// <summary>Faces smaller than <paramref name="ratio"/> of the largest one do not count (rule 3 of docs/contracts.md, "Decision rules").</summary>
    private static List<RecognizedFace> IgnoreSmallFaces(IReadOnlyList<RecognizedFace> faces, double ratio)
    {
        if (faces.Count == 0 || ratio <= 0)
        {
            return [.. faces];
        }

        var largest = faces.Max(face => face.Box.Area);
        return [.. faces.Where(face => face.Box.Area >= ratio * largest)];
    }

    private static double? BestConfidence(List<(RecognizedFace Face, string? Person)> named) =>
        named.Select(match => match.Face.Confidence).Max();

    private static string Format(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
