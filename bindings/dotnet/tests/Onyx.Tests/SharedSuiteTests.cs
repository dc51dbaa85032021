using System;
using System.Linq;
using NUnit.Framework;

namespace Onyx.Tests
{
    /// <summary>The shared ResNet18 suite (tests/suite/spec.txt) as one NUnit test, printing
    /// the per-case lines every Onyx language prints.</summary>
    [TestFixture]
    public class SharedSuiteTests
    {
        /// <summary>Every case not limited to other languages passes; the rest are skipped, and
        /// the spec must hold cases for C# at all (an empty or unreadable spec fails).</summary>
        [Test]
        public void EveryCaseOfTheSpecForCSharpPasses()
        {
            using (var runner = new SuiteRunner(Spec.Shared))
            {
                runner.RunAll(Console.Out);
                Assert.That(runner.Failed, Is.EqualTo(0), string.Join("\n", runner.Failures.ToArray()));
                Assert.That(runner.Passed, Is.GreaterThan(0), "no case ran");
                Assert.That(runner.Passed + runner.Skipped, Is.EqualTo(Spec.Shared.Cases.Count));
            }
        }
    }
}
