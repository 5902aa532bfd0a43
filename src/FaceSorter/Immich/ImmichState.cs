namespace FaceSorter.Immich;

/// <summary>What is known about the face service: nothing yet, answering, or unavailable.</summary>
public enum ImmichState
{
    NotChecked,
    Up,
    Down,
}
