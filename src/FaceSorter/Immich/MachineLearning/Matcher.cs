using System.Numerics.Tensors;

namespace FaceSorter.Immich.MachineLearning;

/// <summary>
/// The match rule, a pure function over a <see cref="GallerySnapshot"/>: the person is the one whose
/// nearest face is nearest, if that is within <see cref="MatchRules.MaxDistance"/>; confidence is
/// 1 − that distance; another person whose nearest face is within <see cref="MatchRules.MinMargin"/>
/// of it is the runner-up (ambiguous match). MinScore and MinFaceAreaRatio are applied elsewhere.
/// </summary>
/// <remarks>
/// Similarities are summed in float32, which carries errors around 1e-7; they are rounded to 6
/// places before comparing, so a face at exactly MaxDistance matches and boundaries in tests and
/// settings mean what they say.
/// </remarks>
public static class Matcher
{
    private const int Decimals = 6;

    /// <summary>The match for a unit-length <paramref name="face"/>, or null when no named person is near enough.</summary>
    public static FaceMatch? Match(GallerySnapshot gallery, ReadOnlySpan<float> face, MatchRules rules)
    {
        if (gallery.Count == 0)
        {
            return null;
        }

        CheckDimensions(gallery, face);

        // One pass keeping the best similarity of the two best *different* people: the top person
        // and the runner-up. Per row this is a dot product (SIMD) and a couple of compares.
        var best = float.NegativeInfinity;
        var second = float.NegativeInfinity;
        int bestPerson = -1, secondPerson = -1;
        var rows = gallery.RowPerson;
        var vectors = gallery.Vectors;
        var dimensions = gallery.Dimensions;
        for (var row = 0; row < gallery.Count; row++)
        {
            var similarity = TensorPrimitives.Dot(vectors.Slice(row * dimensions, dimensions), face);
            if (similarity <= second)
            {
                continue;
            }

            var person = rows[row];
            if (person == bestPerson)
            {
                best = Math.Max(best, similarity);
            }
            else if (similarity > best)
            {
                (second, secondPerson) = (best, bestPerson);
                (best, bestPerson) = (similarity, person);
            }
            else
            {
                (second, secondPerson) = (similarity, person);
            }
        }

        var distance = Distance(best);
        if (distance > rules.MaxDistance)
        {
            return null;
        }

        var people = gallery.People;
        if (secondPerson >= 0 && Distance(second) - distance <= rules.MinMargin + 1e-9)
        {
            return new FaceMatch(people[bestPerson], distance, people[secondPerson], Distance(second));
        }

        return new FaceMatch(people[bestPerson], distance, null, null);
    }

    /// <summary>
    /// The cosine distance from a unit-length <paramref name="face"/> to the nearest face of the
    /// person with sanitised name <paramref name="personKey"/>, leaving out <paramref name="excludeFaceId"/>
    /// (the face itself, when it is already stored); null when that person has no other face.
    /// </summary>
    public static double? DistanceToPerson(GallerySnapshot gallery, ReadOnlySpan<float> face, string personKey, Guid? excludeFaceId = null)
    {
        var person = gallery.FindPerson(personKey);
        if (person < 0)
        {
            return null;
        }

        CheckDimensions(gallery, face);
        var best = float.NegativeInfinity;
        for (var row = 0; row < gallery.Count; row++)
        {
            if (gallery.RowPerson[row] == person && gallery.RowFace[row] != excludeFaceId)
            {
                best = Math.Max(best, TensorPrimitives.Dot(gallery.Row(row), face));
            }
        }

        return float.IsNegativeInfinity(best) ? null : Distance(best);
    }

    private static double Distance(float similarity) => Math.Round(1 - Math.Round((double)similarity, Decimals), Decimals);

    private static void CheckDimensions(GallerySnapshot gallery, ReadOnlySpan<float> face)
    {
        if (face.Length != gallery.Dimensions)
        {
            throw new FaceServiceUnavailableException(
                $"The ML service returned {face.Length}-dimensional embeddings but Immich's faces have {gallery.Dimensions}; is FaceSorter:Immich:ModelName the model Immich uses?");
        }
    }
}
