package io.vigil.bench.trace;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Draws T_D against the mistake rate, one panel per scenario and one curve per detector, as a PNG (Java2D, headless).
 * The x axis is logarithmic; a setting without any mistake is drawn at the left edge ("0").
 */
final class Chart {
    private static final int W = 400, H = 340, LEFT = 60, RIGHT = 15, TOP = 30, BOTTOM = 50;
    private static final double X_MIN = 0.001, X_MAX = 1000;
    private static final Color[] COLORS = {new Color(0xD62728), new Color(0x1F77B4), new Color(0x2CA02C), new Color(0x9467BD)};
    private static final int COLUMNS = 4;

    private Chart() {
    }

    /** One point of a curve. */
    record Point(double mistakesPerHour, double detectionMs, String label) {
    }

    /** {@code panels}: scenario → detector → points (in sweep order). */
    static void write(Path file, Map<String, Map<String, List<Point>>> panels) throws IOException {
        System.setProperty("java.awt.headless", "true");
        int cols = Math.min(COLUMNS, panels.size()), rows = (panels.size() + COLUMNS - 1) / COLUMNS;
        BufferedImage img = new BufferedImage(W * cols, H * rows, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        int p = 0;
        for (var panel : panels.entrySet()) {
            int ox = (p % COLUMNS) * W, oy = (p / COLUMNS) * H;
            p++;
            g.translate(0, oy);
            double yMax = 0;
            for (List<Point> pts : panel.getValue().values()) for (Point pt : pts) yMax = Math.max(yMax, pt.detectionMs());
            yMax = Math.ceil(yMax / 500) * 500;
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
            g.drawString(panel.getKey(), ox + LEFT, 18);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
            int x0 = ox + LEFT, x1 = ox + W - RIGHT, y0 = H - BOTTOM, y1 = TOP;
            g.drawRect(x0, y1, x1 - x0, y0 - y1);
            for (double v = X_MIN; v <= X_MAX * 1.01; v *= 10) {
                int x = xPos(v, x0, x1);
                g.setColor(new Color(0xDDDDDD));
                g.drawLine(x, y1, x, y0);
                g.setColor(Color.BLACK);
                g.drawString(v == X_MIN ? "≤0.001" : trim(v), x - 10, y0 + 14);
            }
            for (double v = 0; v <= yMax; v += 500) {
                int y = yPos(v, yMax, y0, y1);
                g.setColor(new Color(0xDDDDDD));
                g.drawLine(x0, y, x1, y);
                g.setColor(Color.BLACK);
                g.drawString(String.valueOf((int) v), ox + 20, y + 4);
            }
            g.drawString("mistakes per source-hour (log)", x0 + 70, H - 18);
            g.drawString("T_D ms", ox + 5, TOP - 5);
            int c = 0;
            for (var curve : panel.getValue().entrySet()) {
                Color col = COLORS[c % COLORS.length];
                g.setColor(col);
                g.setStroke(new BasicStroke(2f));
                int px = -1, py = -1;
                for (Point pt : curve.getValue()) {
                    int x = xPos(pt.mistakesPerHour(), x0, x1), y = yPos(pt.detectionMs(), yMax, y0, y1);
                    g.fillOval(x - 3, y - 3, 6, 6);
                    if (px >= 0) g.drawLine(px, py, x, y);
                    px = x;
                    py = y;
                }
                g.drawString(curve.getKey(), x1 - 110, y1 + 15 + 14 * c);
                c++;
            }
            g.setStroke(new BasicStroke(1f));
            g.translate(0, -oy);
        }
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
    }

    private static String trim(double v) {
        return v >= 1 ? String.valueOf((long) v) : String.valueOf(v);
    }

    private static int xPos(double v, int x0, int x1) {
        double lv = Math.log10(Math.max(X_MIN, Math.min(X_MAX, v)));
        double f = (lv - Math.log10(X_MIN)) / (Math.log10(X_MAX) - Math.log10(X_MIN));
        return (int) Math.round(x0 + f * (x1 - x0));
    }

    private static int yPos(double v, double yMax, int y0, int y1) {
        return (int) Math.round(y0 - (v / yMax) * (y0 - y1));
    }
}
