using System.Collections.Immutable;
using System.Numerics;

namespace Engine.Host.Json;

/// <summary>
/// An immutable JSON value that keeps what osbuild's ids depend on and System.Text.Json's DOM loses:
/// integers of any size apart from floats (<c>1</c> vs <c>1.0</c>), NaN and the infinities, and object
/// members in the order read (a repeated key keeps its first position and its last value).
/// </summary>
public abstract record JValue
{
    private JValue()
    {
    }

    /// <summary>Python's truthiness: null, false, 0, 0.0, "", [] and {} are false.</summary>
    public abstract bool IsTruthy { get; }

    /// <summary>A short name of the value's kind for error messages ("an object", "a string", …).</summary>
    public abstract string KindName { get; }

    public sealed record Null : JValue
    {
        public static readonly Null Instance = new();

        public override bool IsTruthy => false;

        public override string KindName => "null";
    }

    public sealed record Bool(bool Value) : JValue
    {
        public static readonly Bool True = new(true);
        public static readonly Bool False = new(false);

        public override bool IsTruthy => Value;

        public override string KindName => "a boolean";
    }

    /// <summary>A number written without <c>.</c>, <c>e</c> or <c>E</c>.</summary>
    public sealed record Integer(BigInteger Value) : JValue
    {
        public override bool IsTruthy => !Value.IsZero;

        public override string KindName => "an integer";
    }

    /// <summary>A number written with <c>.</c>, <c>e</c> or <c>E</c>, or NaN/Infinity.</summary>
    public sealed record Float(double Value) : JValue
    {
        public override bool IsTruthy => Value != 0.0;

        public override string KindName => "a number";
    }

    public sealed record String(string Value) : JValue
    {
        public override bool IsTruthy => Value.Length > 0;

        public override string KindName => "a string";
    }

    public sealed record Array(ImmutableArray<JValue> Items) : JValue
    {
        public static readonly Array Empty = new(ImmutableArray<JValue>.Empty);

        public override bool IsTruthy => Items.Length > 0;

        public override string KindName => "an array";

        public bool Equals(Array? other) => other is not null && Items.SequenceEqual(other.Items);

        public override int GetHashCode() => Items.Length;
    }

    /// <summary>Members in the order read; keys are unique.</summary>
    public sealed record Object(ImmutableArray<KeyValuePair<string, JValue>> Members) : JValue
    {
        public static readonly Object Empty = new(ImmutableArray<KeyValuePair<string, JValue>>.Empty);

        public override bool IsTruthy => Members.Length > 0;

        public override string KindName => "an object";

        /// <summary>The member's value, or null when the key is absent.</summary>
        public JValue? this[string key]
        {
            get
            {
                foreach (var member in Members)
                {
                    if (string.Equals(member.Key, key, StringComparison.Ordinal))
                    {
                        return member.Value;
                    }
                }

                return null;
            }
        }

        public bool ContainsKey(string key) => this[key] is not null;

        public bool Equals(Object? other)
        {
            if (other is null || other.Members.Length != Members.Length)
            {
                return false;
            }

            for (int i = 0; i < Members.Length; i++)
            {
                if (!string.Equals(Members[i].Key, other.Members[i].Key, StringComparison.Ordinal) || !Members[i].Value.Equals(other.Members[i].Value))
                {
                    return false;
                }
            }

            return true;
        }

        public override int GetHashCode() => Members.Length;

        /// <summary>Builds an object from members in order (keys must be unique).</summary>
        public static Object From(params (string Key, JValue Value)[] members)
            => new(members.Select(m => KeyValuePair.Create(m.Key, m.Value)).ToImmutableArray());
    }
}
