using CrsCdsHooks.Core.Differential;

namespace CrsCdsHooks.Core.Tests.Differential;

public sealed class WholeWordMatcherTests
{
    [Theory]
    [InlineData("Epinephrine 1 mg/mL", "epinephrine", true)]
    [InlineData("norepinephrine", "epinephrine", false)]
    [InlineData("methylprednisolone", "prednisolone", false)]
    [InlineData("Amoxicillin-Clavulanate", "amoxicillin", true)]
    [InlineData("Amoxicillin/Clavulanate", "amoxicillin clavulanate", true)]
    [InlineData("penicillin G potassium", "Penicillin  G", true)]
    [InlineData("", "x", false)]
    [InlineData("abc", "", false)]
    [InlineData("abc", "---", false)]
    public void ContainsPhrase_IsWholeWordCaseInsensitive(string text, string phrase, bool expected)
    {
        Assert.Equal(expected, WholeWordMatcher.ContainsPhrase(text, phrase));
    }
}