# Rendered by: gnuplot figure4-full.gp (run from this directory)
set terminal pngcairo size 1200,450 noenhanced font 'Sans,11'
set output 'figure4-full.png'
set datafile separator ','
set key autotitle columnhead
set grid lc rgb '#dddddd'
set multiplot layout 1,2 title "teacher: W–B alignment cos(W, B) per layer (λ = 0: KP's W − B never shrinks, D3)" font ',11'
set xlabel 'epoch'
set xtics 1
set key bottom right font ',8'
set yrange [-0.1:1.05]
set title 'FA'
set ylabel 'cos(W, B)'
unset logscale y
plot 'figure4-full.csv' using 1:($2-$3):($2+$3) with filledcurves fs transparent solid 0.15 noborder lc 1 notitle, \
     '' using 1:2 with linespoints lw 2 pt 7 ps 0.6 dt 1 lc 1 title 'FA layer 0 (B unused)', \
     'figure4-full.csv' using 1:($4-$5):($4+$5) with filledcurves fs transparent solid 0.15 noborder lc 2 notitle, \
     '' using 1:4 with linespoints lw 2 pt 7 ps 0.6 dt 1 lc 2 title 'FA layer 1', \
     'figure4-full.csv' using 1:($6-$7):($6+$7) with filledcurves fs transparent solid 0.15 noborder lc 3 notitle, \
     '' using 1:6 with linespoints lw 2 pt 7 ps 0.6 dt 1 lc 3 title 'FA layer 2 (output)'
set title 'KP'
set ylabel 'cos(W, B)'
unset logscale y
plot 'figure4-full.csv' using 1:($8-$9):($8+$9) with filledcurves fs transparent solid 0.15 noborder lc 1 notitle, \
     '' using 1:8 with linespoints lw 2 pt 7 ps 0.6 dt 1 lc 1 title 'KP layer 0 (B unused)', \
     'figure4-full.csv' using 1:($10-$11):($10+$11) with filledcurves fs transparent solid 0.15 noborder lc 2 notitle, \
     '' using 1:10 with linespoints lw 2 pt 7 ps 0.6 dt 1 lc 2 title 'KP layer 1', \
     'figure4-full.csv' using 1:($12-$13):($12+$13) with filledcurves fs transparent solid 0.15 noborder lc 3 notitle, \
     '' using 1:12 with linespoints lw 2 pt 7 ps 0.6 dt 1 lc 3 title 'KP layer 2 (output)'
unset multiplot
