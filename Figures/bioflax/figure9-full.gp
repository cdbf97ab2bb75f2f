# Rendered by: gnuplot figure9-full.gp (run from this directory)
set terminal pngcairo size 1200,450 noenhanced font 'Sans,11'
set output 'figure9-full.png'
set datafile separator ','
set key autotitle columnhead
set grid lc rgb '#dddddd'
set multiplot layout 1,4 title "sinreg: total gradient alignment, |g(BP)|/|g(rule)|, validation loss, train (solid) and test (dashed) loss" font ',11'
set xlabel 'epoch'
set xtics 1
set key bottom right font ',8'
set autoscale y
set title 'gradient alignment'
set ylabel 'cosine'
unset logscale y
plot 'figure9-full.csv' using 1:($2-$3):($2+$3) with filledcurves fs transparent solid 0.15 noborder lc 1 notitle, \
     '' using 1:2 with linespoints lw 2 pt 7 ps 0.6 dt 1 lc 1 title 'BP alignment', \
     'figure9-full.csv' using 1:($12-$13):($12+$13) with filledcurves fs transparent solid 0.15 noborder lc 2 notitle, \
     '' using 1:12 with linespoints lw 2 pt 7 ps 0.6 dt 1 lc 2 title 'FA alignment', \
     'figure9-full.csv' using 1:($22-$23):($22+$23) with filledcurves fs transparent solid 0.15 noborder lc 3 notitle, \
     '' using 1:22 with linespoints lw 2 pt 7 ps 0.6 dt 1 lc 3 title 'KP alignment', \
     'figure9-full.csv' using 1:($32-$33):($32+$33) with filledcurves fs transparent solid 0.15 noborder lc 4 notitle, \
     '' using 1:32 with linespoints lw 2 pt 7 ps 0.6 dt 1 lc 4 title 'DFA alignment', \
     'figure9-full.csv' using 1:($42-$43):($42+$43) with filledcurves fs transparent solid 0.15 noborder lc 5 notitle, \
     '' using 1:42 with linespoints lw 2 pt 7 ps 0.6 dt 1 lc 5 title 'DFA (lr 0.005) alignment', \
     'figure9-full.csv' using 1:($52-$53):($52+$53) with filledcurves fs transparent solid 0.15 noborder lc 6 notitle, \
     '' using 1:52 with linespoints lw 2 pt 7 ps 0.6 dt 1 lc 6 title 'FA (lr 0.005) alignment'
set title 'relative norm |g(BP)| / |g(rule)|'
set ylabel 'ratio'
unset logscale y
plot 'figure9-full.csv' using 1:($4-$5):($4+$5) with filledcurves fs transparent solid 0.15 noborder lc 1 notitle, \
     '' using 1:4 with linespoints lw 2 pt 7 ps 0.6 dt 1 lc 1 title 'BP norm ratio', \
     'figure9-full.csv' using 1:($14-$15):($14+$15) with filledcurves fs transparent solid 0.15 noborder lc 2 notitle, \
     '' using 1:14 with linespoints lw 2 pt 7 ps 0.6 dt 1 lc 2 title 'FA norm ratio', \
     'figure9-full.csv' using 1:($24-$25):($24+$25) with filledcurves fs transparent solid 0.15 noborder lc 3 notitle, \
     '' using 1:24 with linespoints lw 2 pt 7 ps 0.6 dt 1 lc 3 title 'KP norm ratio', \
     'figure9-full.csv' using 1:($34-$35):($34+$35) with filledcurves fs transparent solid 0.15 noborder lc 4 notitle, \
     '' using 1:34 with linespoints lw 2 pt 7 ps 0.6 dt 1 lc 4 title 'DFA norm ratio', \
     'figure9-full.csv' using 1:($44-$45):($44+$45) with filledcurves fs transparent solid 0.15 noborder lc 5 notitle, \
     '' using 1:44 with linespoints lw 2 pt 7 ps 0.6 dt 1 lc 5 title 'DFA (lr 0.005) norm ratio', \
     'figure9-full.csv' using 1:($54-$55):($54+$55) with filledcurves fs transparent solid 0.15 noborder lc 6 notitle, \
     '' using 1:54 with linespoints lw 2 pt 7 ps 0.6 dt 1 lc 6 title 'FA (lr 0.005) norm ratio'
set title 'validation ½-MSE'
set ylabel '½-MSE'
set logscale y
plot 'figure9-full.csv' using 1:($6-$7):($6+$7) with filledcurves fs transparent solid 0.15 noborder lc 1 notitle, \
     '' using 1:6 with linespoints lw 2 pt 7 ps 0.6 dt 1 lc 1 title 'BP val loss', \
     'figure9-full.csv' using 1:($16-$17):($16+$17) with filledcurves fs transparent solid 0.15 noborder lc 2 notitle, \
     '' using 1:16 with linespoints lw 2 pt 7 ps 0.6 dt 1 lc 2 title 'FA val loss', \
     'figure9-full.csv' using 1:($26-$27):($26+$27) with filledcurves fs transparent solid 0.15 noborder lc 3 notitle, \
     '' using 1:26 with linespoints lw 2 pt 7 ps 0.6 dt 1 lc 3 title 'KP val loss', \
     'figure9-full.csv' using 1:($36-$37):($36+$37) with filledcurves fs transparent solid 0.15 noborder lc 4 notitle, \
     '' using 1:36 with linespoints lw 2 pt 7 ps 0.6 dt 1 lc 4 title 'DFA val loss', \
     'figure9-full.csv' using 1:($46-$47):($46+$47) with filledcurves fs transparent solid 0.15 noborder lc 5 notitle, \
     '' using 1:46 with linespoints lw 2 pt 7 ps 0.6 dt 1 lc 5 title 'DFA (lr 0.005) val loss', \
     'figure9-full.csv' using 1:($56-$57):($56+$57) with filledcurves fs transparent solid 0.15 noborder lc 6 notitle, \
     '' using 1:56 with linespoints lw 2 pt 7 ps 0.6 dt 1 lc 6 title 'FA (lr 0.005) val loss'
set title 'loss'
set ylabel 'loss'
set logscale y
plot 'figure9-full.csv' using 1:($8-$9):($8+$9) with filledcurves fs transparent solid 0.15 noborder lc 1 notitle, \
     '' using 1:8 with linespoints lw 2 pt 7 ps 0.6 dt 1 lc 1 title 'BP train', \
     'figure9-full.csv' using 1:($10-$11):($10+$11) with filledcurves fs transparent solid 0.15 noborder lc 1 notitle, \
     '' using 1:10 with linespoints lw 2 pt 7 ps 0.6 dt 2 lc 1 title 'BP test', \
     'figure9-full.csv' using 1:($18-$19):($18+$19) with filledcurves fs transparent solid 0.15 noborder lc 2 notitle, \
     '' using 1:18 with linespoints lw 2 pt 7 ps 0.6 dt 1 lc 2 title 'FA train', \
     'figure9-full.csv' using 1:($20-$21):($20+$21) with filledcurves fs transparent solid 0.15 noborder lc 2 notitle, \
     '' using 1:20 with linespoints lw 2 pt 7 ps 0.6 dt 2 lc 2 title 'FA test', \
     'figure9-full.csv' using 1:($28-$29):($28+$29) with filledcurves fs transparent solid 0.15 noborder lc 3 notitle, \
     '' using 1:28 with linespoints lw 2 pt 7 ps 0.6 dt 1 lc 3 title 'KP train', \
     'figure9-full.csv' using 1:($30-$31):($30+$31) with filledcurves fs transparent solid 0.15 noborder lc 3 notitle, \
     '' using 1:30 with linespoints lw 2 pt 7 ps 0.6 dt 2 lc 3 title 'KP test', \
     'figure9-full.csv' using 1:($38-$39):($38+$39) with filledcurves fs transparent solid 0.15 noborder lc 4 notitle, \
     '' using 1:38 with linespoints lw 2 pt 7 ps 0.6 dt 1 lc 4 title 'DFA train', \
     'figure9-full.csv' using 1:($40-$41):($40+$41) with filledcurves fs transparent solid 0.15 noborder lc 4 notitle, \
     '' using 1:40 with linespoints lw 2 pt 7 ps 0.6 dt 2 lc 4 title 'DFA test', \
     'figure9-full.csv' using 1:($48-$49):($48+$49) with filledcurves fs transparent solid 0.15 noborder lc 5 notitle, \
     '' using 1:48 with linespoints lw 2 pt 7 ps 0.6 dt 1 lc 5 title 'DFA (lr 0.005) train', \
     'figure9-full.csv' using 1:($50-$51):($50+$51) with filledcurves fs transparent solid 0.15 noborder lc 5 notitle, \
     '' using 1:50 with linespoints lw 2 pt 7 ps 0.6 dt 2 lc 5 title 'DFA (lr 0.005) test', \
     'figure9-full.csv' using 1:($58-$59):($58+$59) with filledcurves fs transparent solid 0.15 noborder lc 6 notitle, \
     '' using 1:58 with linespoints lw 2 pt 7 ps 0.6 dt 1 lc 6 title 'FA (lr 0.005) train', \
     'figure9-full.csv' using 1:($60-$61):($60+$61) with filledcurves fs transparent solid 0.15 noborder lc 6 notitle, \
     '' using 1:60 with linespoints lw 2 pt 7 ps 0.6 dt 2 lc 6 title 'FA (lr 0.005) test'
unset multiplot
