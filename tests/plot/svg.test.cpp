// tms/plot/svg.hpp and colormap.hpp: XML escaping, a well-formed document, the colour scales' endpoints.
#include <doctest/doctest.h>

#include <limits>
#include <string>

#include <tms/plot/colormap.hpp>
#include <tms/plot/svg.hpp>

namespace {
std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}
}  // namespace

TEST_CASE("xml_escape replaces the five special characters") {
    CHECK(tms::plot::xml_escape("a<b & \"c\" > 'd'") == "a&lt;b &amp; &quot;c&quot; &gt; &apos;d&apos;");
    CHECK(tms::plot::xml_escape("plain") == "plain");
}

TEST_CASE("an SvgDocument is well formed: one root, a title, escaped text, balanced groups") {
    tms::plot::SvgDocument doc(200, 100, "W<sup> & b");
    doc.begin_group(10, 10);
    doc.rect(0, 0, 5, 5, "#ff0000", "#000000");
    doc.line(0, 0, 1, 1, "#000000", 1.0, "2,2");
    doc.circle(3, 3, 1, "#00ff00");
    doc.text(1, 1, "feature <0>", 10, tms::plot::Anchor::middle, "normal", -90);
    // the group is left open: str() closes it
    const std::string svg = doc.str();
    CHECK(svg.rfind("<?xml", 0) == 0);
    CHECK(count(svg, "<svg ") == 1);
    CHECK(count(svg, "</svg>") == 1);
    CHECK(svg.find("<title>W&lt;sup&gt; &amp; b</title>") != std::string::npos);
    CHECK(svg.find("feature &lt;0&gt;") != std::string::npos);
    CHECK(svg.find("feature <0>") == std::string::npos);
    CHECK(count(svg, "<g ") == count(svg, "</g>"));
    CHECK(count(svg, "<text") == count(svg, "</text>"));
}

TEST_CASE("a polyline is one element through its points; fewer than two points draw nothing") {
    tms::plot::SvgDocument doc(100, 100, "curve");
    doc.polyline({{0, 0}, {1.5, 2}, {3, 4.25}}, "#123456", 2.0);
    doc.polyline({{5, 5}});
    const std::string svg = doc.str();
    CHECK(count(svg, "<polyline") == 1);
    CHECK(svg.find("points=\"0,0 1.5,2 3,4.25\"") != std::string::npos);
    CHECK(svg.find("fill=\"none\" stroke=\"#123456\" stroke-width=\"2\"") != std::string::npos);
}

TEST_CASE("svg_number is short and never prints a non-finite value") {
    CHECK(tms::plot::svg_number(12.5) == "12.5");
    CHECK(tms::plot::svg_number(3.0) == "3");
    CHECK(tms::plot::svg_number(std::numeric_limits<double>::quiet_NaN()) == "0");
}

TEST_CASE("colour scales: endpoints and clamping") {
    using tms::plot::Rgb;
    CHECK(tms::plot::diverging(0.0) == Rgb{255, 255, 255});
    CHECK(tms::plot::diverging(-1.0) == Rgb{178, 24, 43});  // red
    CHECK(tms::plot::diverging(1.0) == Rgb{33, 102, 172});  // blue
    CHECK(tms::plot::diverging(5.0) == tms::plot::diverging(1.0));
    CHECK(tms::plot::diverging(-5.0) == tms::plot::diverging(-1.0));
    CHECK(tms::plot::superposition_color(0.0) == Rgb{20, 25, 90});   // dark blue
    CHECK(tms::plot::superposition_color(1.0) == Rgb{245, 225, 80});  // yellow
    CHECK(tms::plot::superposition_color(3.0) == tms::plot::superposition_color(1.0));
    CHECK(tms::plot::diverging(1.0).hex() == "#2166ac");
    CHECK(tms::plot::categorical(0) == tms::plot::categorical(10));
    CHECK(tms::plot::categorical(0) != tms::plot::categorical(1));
}
