using Microsoft.Playwright;

namespace CrsCdsHooks.Browser.Tests;

/// <summary>
/// A person trying the service in Swagger UI with Debian's Chromium (never a downloaded browser): open /swagger,
/// expand POST /cds-services/{id}, "Try it out", pick a sample from the examples, set the id, Execute, and read a
/// 200 with the CRS card. A screenshot (the response; the whole page on failure) is kept in
/// TestResults/browser/.
/// </summary>
public sealed class SwaggerUiTests : IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";
    private const string Sample = "astct-grade2-hypotension";

    private readonly BrowserApp _app = new();
    private readonly string _profile = Path.Combine(Path.GetTempPath(), $"crscdshooks-chromium-{Guid.NewGuid():N}");
    private IPlaywright _playwright = null!;
    private IBrowserContext _browser = null!;

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: install Debian's chromium (apt-get install -y chromium; .ci/run does).");
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchPersistentContextAsync(_profile, new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
            ],
            ViewportSize = new ViewportSize { Width = 1280, Height = 1600 },
            Timeout = 20_000,
        });
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // Chromium may still be writing its profile while it exits; a temp folder left behind is harmless.
        }
    }

    [Fact]
    public async Task SwaggerUi_TryItOutWithTheGrade2Sample_Shows200AndTheCrsGrade2Card()
    {
        var origin = _app.Start();
        var page = _browser.Pages.Count > 0 ? _browser.Pages[0] : await _browser.NewPageAsync();
        page.SetDefaultTimeout(15_000);
        try
        {
            await page.GotoAsync(new Uri(origin, "/swagger").AbsoluteUri);

            var operation = page.Locator(".opblock-post").Filter(new LocatorFilterOptions
            {
                Has = page.Locator(".opblock-summary-path[data-path='/cds-services/{id}']"),
            });
            await operation.Locator(".opblock-summary").ClickAsync();
            await operation.Locator("button.try-out__btn").ClickAsync();
            await operation.Locator(".opblock-section-request-body select.examples-select-element").SelectOptionAsync(Sample);
            await operation.Locator("tr[data-param-name='id'] input").FillAsync("crs-patient-view");
            var body = operation.Locator(".opblock-section-request-body textarea");
            await Assertions.Expect(body).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("\"hookInstance\""));
            await operation.Locator("button.execute").ClickAsync();

            var response = operation.Locator(".live-responses-table .response");
            await Assertions.Expect(response.Locator(".response-col_status")).ToContainTextAsync("200");
            await Assertions.Expect(response.Locator(".response-col_description .highlight-code pre.microlight")).ToContainTextAsync("CRS grade 2");
            await response.ScrollIntoViewIfNeededAsync();
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = ScreenshotPath() });
        }
        catch
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = ScreenshotPath(), FullPage = true });
            throw;
        }
    }

    /// <summary>TestResults/browser/swagger-try-it-out.png under the repository root (ignored by git).</summary>
    private static string ScreenshotPath()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CrsCdsHooks.sln"))) dir = dir.Parent;
        var folder = Path.Combine(dir?.FullName ?? AppContext.BaseDirectory, "TestResults", "browser");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, "swagger-try-it-out.png");
    }
}
