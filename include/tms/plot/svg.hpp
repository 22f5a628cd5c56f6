#pragma once
/// \file plot/svg.hpp
/// tms::plot::SvgDocument: a tiny SVG builder (title, text, rect, line, polyline, circle, groups) with XML escaping.
///
///     tms::plot::SvgDocument doc(400, 300, "W^T W for p = 0.01");
///     doc.rect(10, 10, 20, 20, "#ff0000");
///     doc.text(20, 50, "feature <0>");                   // escaped
///     std::ofstream("figure.svg") << doc.str();
///
/// Coordinates are SVG user units (pixels), y pointing down. Only the standard library is used.

#include <charconv>
#include <cmath>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../config.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {
namespace plot {

/// \p text with the five XML special characters replaced by entities, so it is safe in text and attributes.
[[nodiscard]] inline std::string xml_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&apos;"; break;
            default: out += c;
        }
    }
    return out;
}

/// A coordinate as a short decimal ("12.5", not "12.500000"); non-finite values become 0 so the file stays valid.
[[nodiscard]] inline std::string svg_number(double value) {
    if (!std::isfinite(value)) return "0";
    value = std::round(value * 100.0) / 100.0;
    char buffer[32];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    return std::string(buffer, result.ptr);
}

/// Text alignment relative to its anchor point.
enum class Anchor { start, middle, end };

/// An SVG document built element by element; str() returns the whole well-formed file.
class SvgDocument {
public:
    /// A \p width × \p height document whose <title> (and visible heading) is \p title.
    SvgDocument(double width, double height, std::string_view title) : width_(width), height_(height), title_(title) {
        body_ += "<rect x=\"0\" y=\"0\" width=\"" + svg_number(width) + "\" height=\"" + svg_number(height) +
                 "\" fill=\"#ffffff\"/>\n";
        text(width / 2.0, 20.0, title, 15.0, Anchor::middle, "bold");
    }

    [[nodiscard]] double width() const noexcept { return width_; }
    [[nodiscard]] double height() const noexcept { return height_; }
    [[nodiscard]] const std::string& title() const noexcept { return title_; }

    /// A filled rectangle; \p stroke empty for none.
    void rect(double x, double y, double w, double h, std::string_view fill, std::string_view stroke = {},
              double stroke_width = 1.0) {
        body_ += "<rect x=\"" + svg_number(x) + "\" y=\"" + svg_number(y) + "\" width=\"" + svg_number(w) +
                 "\" height=\"" + svg_number(h) + "\" fill=\"" + xml_escape(fill) + "\"";
        if (!stroke.empty())
            body_ += " stroke=\"" + xml_escape(stroke) + "\" stroke-width=\"" + svg_number(stroke_width) + "\"";
        body_ += "/>\n";
    }

    /// A straight line; \p dash e.g. "4,3" for a dashed line.
    void line(double x1, double y1, double x2, double y2, std::string_view stroke = "#000000", double width = 1.0,
              std::string_view dash = {}) {
        body_ += "<line x1=\"" + svg_number(x1) + "\" y1=\"" + svg_number(y1) + "\" x2=\"" + svg_number(x2) +
                 "\" y2=\"" + svg_number(y2) + "\" stroke=\"" + xml_escape(stroke) + "\" stroke-width=\"" +
                 svg_number(width) + "\"";
        if (!dash.empty()) body_ += " stroke-dasharray=\"" + xml_escape(dash) + "\"";
        body_ += "/>\n";
    }

    /// A connected line through \p points (x, y), unfilled: one element for a whole curve.
    void polyline(const std::vector<std::pair<double, double>>& points, std::string_view stroke = "#000000",
                  double width = 1.0) {
        if (points.size() < 2) return;
        body_ += "<polyline fill=\"none\" stroke=\"" + xml_escape(stroke) + "\" stroke-width=\"" + svg_number(width) +
                 "\" points=\"";
        for (std::size_t k = 0; k < points.size(); ++k) {
            if (k) body_ += ' ';
            body_ += svg_number(points[k].first);
            body_ += ',';
            body_ += svg_number(points[k].second);
        }
        body_ += "\"/>\n";
    }

    /// A filled circle; \p stroke empty for none.
    void circle(double cx, double cy, double r, std::string_view fill, std::string_view stroke = {}) {
        body_ += "<circle cx=\"" + svg_number(cx) + "\" cy=\"" + svg_number(cy) + "\" r=\"" + svg_number(r) +
                 "\" fill=\"" + xml_escape(fill) + "\"";
        if (!stroke.empty()) body_ += " stroke=\"" + xml_escape(stroke) + "\"";
        body_ += "/>\n";
    }

    /// Text at (x, y) (the baseline), escaped; \p rotate in degrees about the anchor point.
    void text(double x, double y, std::string_view content, double size = 11.0, Anchor anchor = Anchor::start,
              std::string_view weight = "normal", double rotate = 0.0, std::string_view fill = "#222222") {
        static constexpr std::string_view anchors[] = {"start", "middle", "end"};
        body_ += "<text x=\"" + svg_number(x) + "\" y=\"" + svg_number(y) + "\" font-size=\"" + svg_number(size) +
                 "\" font-family=\"sans-serif\" text-anchor=\"" + std::string(anchors[static_cast<int>(anchor)]) +
                 "\" font-weight=\"" + xml_escape(weight) + "\" fill=\"" + xml_escape(fill) + "\"";
        if (rotate != 0.0)
            body_ += " transform=\"rotate(" + svg_number(rotate) + " " + svg_number(x) + " " + svg_number(y) + ")\"";
        // Appended piece by piece: GCC 12 warns (-Wrestrict, a false positive) on a "literal" + string chain here.
        body_ += '>';
        body_ += xml_escape(content);
        body_ += "</text>\n";
    }

    /// Starts a group translated by (dx, dy); close it with end_group().
    void begin_group(double dx, double dy) {
        body_ += "<g transform=\"translate(" + svg_number(dx) + " " + svg_number(dy) + ")\">\n";
        ++open_groups_;
    }
    void end_group() {
        if (open_groups_ == 0) return;
        body_ += "</g>\n";
        --open_groups_;
    }

    /// The whole document (open groups are closed).
    [[nodiscard]] std::string str() const {
        std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" "
                          "width=\"" + svg_number(width_) + "\" height=\"" + svg_number(height_) +
                          "\" viewBox=\"0 0 " + svg_number(width_) + " " + svg_number(height_) + "\">\n<title>" +
                          xml_escape(title_) + "</title>\n" + body_;
        for (int i = 0; i < open_groups_; ++i) out += "</g>\n";
        return out + "</svg>\n";
    }

private:
    double width_;
    double height_;
    std::string title_;
    std::string body_;
    int open_groups_ = 0;
};

}  // namespace plot
}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
