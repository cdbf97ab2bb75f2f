# Rendered by: gnuplot fig1-full.gp (run from this directory)
set terminal pngcairo size 1400,1000 noenhanced font 'Sans,11'
set output 'fig1-full.png'
set datafile separator ','
set key autotitle columnhead
set grid lc rgb '#dddddd'
set multiplot layout 2,2 title 'LRA-E diagnostic (suite-defined, not a paper figure): 784-256x8-10 tanh, full scale'
set xlabel 'epoch'
set key top right font ',8'
set format x '%.0f'
set title 'MNIST, 784-256x8-10 tanh'
set ylabel 'error (%)'
set logscale y
set yrange [*:100]
set key top right
plot 'fig1-full.csv' using 1:2 with linespoints lw 2 pt 7 ps 0.5 lc rgb '#d62728' title 'LRA-E test', \
     '' using 1:3 with lines dt 2 lc rgb '#d62728' title 'LRA-E train subset', \
     'fig1-full.csv' using 1:14 with linespoints lw 2 pt 7 ps 0.5 lc rgb '#000000' title 'BP test', \
     '' using 1:15 with lines dt 2 lc rgb '#000000' title 'BP train subset', \
     'fig1-full.csv' using 1:17 with linespoints lw 2 pt 7 ps 0.5 lc rgb '#1f77b4' title 'FA test', \
     '' using 1:18 with lines dt 2 lc rgb '#1f77b4' title 'FA train subset', \
     'fig1-full.csv' using 1:21 with linespoints lw 2 pt 7 ps 0.5 lc rgb '#2ca02c' title 'DFA test', \
     '' using 1:22 with lines dt 2 lc rgb '#2ca02c' title 'DFA train subset'
unset logscale y
set yrange [-3:100]
set key bottom left
set ylabel 'angle to the BP gradient (degrees)'
set title 'MNIST: update angle per layer (probe: 1 000 validation images)'
plot 90 with lines lc rgb '#aaaaaa' dt 3 notitle, \
     'fig1-full.csv' using 1:5 with lines lw 2 lc rgb '#5a140a' title 'LRA-E layer 1', \
     'fig1-full.csv' using 1:6 with lines lw 2 lc rgb '#712912' title 'LRA-E layer 2', \
     'fig1-full.csv' using 1:7 with lines lw 2 lc rgb '#893e1b' title 'LRA-E layer 3', \
     'fig1-full.csv' using 1:8 with lines lw 2 lc rgb '#a05423' title 'LRA-E layer 4', \
     'fig1-full.csv' using 1:9 with lines lw 2 lc rgb '#b8692c' title 'LRA-E layer 5', \
     'fig1-full.csv' using 1:10 with lines lw 2 lc rgb '#cf7f34' title 'LRA-E layer 6', \
     'fig1-full.csv' using 1:11 with lines lw 2 lc rgb '#e7943d' title 'LRA-E layer 7', \
     'fig1-full.csv' using 1:12 with lines lw 2 lc rgb '#ffaa46' title 'LRA-E layer 8', \
     '' using 1:13 with lines lw 2 lc rgb '#000000' title 'LRA-E top layer (0°)', \
     '' using 1:20 with lines lw 2 dt 2 lc rgb '#777777' title 'FA (mean hidden)', \
     '' using 1:24 with lines lw 2 dt 3 lc rgb '#777777' title 'DFA (mean hidden)'
set title 'F-MNIST, 784-256x8-10 tanh'
set ylabel 'error (%)'
set logscale y
set yrange [*:100]
set key top right
plot 'fig1-full.csv' using 1:25 with linespoints lw 2 pt 7 ps 0.5 lc rgb '#d62728' title 'LRA-E test', \
     '' using 1:26 with lines dt 2 lc rgb '#d62728' title 'LRA-E train subset', \
     'fig1-full.csv' using 1:37 with linespoints lw 2 pt 7 ps 0.5 lc rgb '#000000' title 'BP test', \
     '' using 1:38 with lines dt 2 lc rgb '#000000' title 'BP train subset', \
     'fig1-full.csv' using 1:40 with linespoints lw 2 pt 7 ps 0.5 lc rgb '#1f77b4' title 'FA test', \
     '' using 1:41 with lines dt 2 lc rgb '#1f77b4' title 'FA train subset', \
     'fig1-full.csv' using 1:44 with linespoints lw 2 pt 7 ps 0.5 lc rgb '#2ca02c' title 'DFA test', \
     '' using 1:45 with lines dt 2 lc rgb '#2ca02c' title 'DFA train subset'
unset logscale y
set yrange [-3:100]
set key bottom left
set ylabel 'angle to the BP gradient (degrees)'
set title 'F-MNIST: update angle per layer (probe: 1 000 validation images)'
plot 90 with lines lc rgb '#aaaaaa' dt 3 notitle, \
     'fig1-full.csv' using 1:28 with lines lw 2 lc rgb '#5a140a' title 'LRA-E layer 1', \
     'fig1-full.csv' using 1:29 with lines lw 2 lc rgb '#712912' title 'LRA-E layer 2', \
     'fig1-full.csv' using 1:30 with lines lw 2 lc rgb '#893e1b' title 'LRA-E layer 3', \
     'fig1-full.csv' using 1:31 with lines lw 2 lc rgb '#a05423' title 'LRA-E layer 4', \
     'fig1-full.csv' using 1:32 with lines lw 2 lc rgb '#b8692c' title 'LRA-E layer 5', \
     'fig1-full.csv' using 1:33 with lines lw 2 lc rgb '#cf7f34' title 'LRA-E layer 6', \
     'fig1-full.csv' using 1:34 with lines lw 2 lc rgb '#e7943d' title 'LRA-E layer 7', \
     'fig1-full.csv' using 1:35 with lines lw 2 lc rgb '#ffaa46' title 'LRA-E layer 8', \
     '' using 1:36 with lines lw 2 lc rgb '#000000' title 'LRA-E top layer (0°)', \
     '' using 1:43 with lines lw 2 dt 2 lc rgb '#777777' title 'FA (mean hidden)', \
     '' using 1:47 with lines lw 2 dt 3 lc rgb '#777777' title 'DFA (mean hidden)'
unset multiplot
