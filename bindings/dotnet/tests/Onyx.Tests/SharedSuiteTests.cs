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
        [Test]
        public void EveryCaseOfTheSpecPasses()
        {
            using (var runner = new SuiteRunner(Spec.Shared))
            {
                runner.RunAll(Console.Out);
                Assert.That(runner.Failed, Is.EqualTo(0), string.Join("\n", runner.Failures.ToArray()));
            }
        }
    }
}
